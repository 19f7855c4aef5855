"""Helpers templates use, written once: addresses as shown in text, Open Graph locales."""

from __future__ import annotations

from site_builder.content.locales import open_graph_locale
from site_builder.output.render import bare_url


def test_an_address_is_shown_without_its_scheme() -> None:
    assert bare_url("https://www.osce.org/odihr") == "www.osce.org/odihr"
    assert bare_url("http://example.org/a?b=c") == "example.org/a?b=c"


def test_open_graph_locales_name_a_country() -> None:
    assert [open_graph_locale(code) for code in ("en", "fr", "es")] == ["en_GB", "fr_FR", "es_ES"]
    assert open_graph_locale("pt") == "pt_BR" and open_graph_locale("pt-PT") == "pt_PT"  # CLDR's likeliest, or as written

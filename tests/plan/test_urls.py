"""The URL scheme's encoding: the fast path for plain paths writes what ``quote`` writes."""

from __future__ import annotations

import random
from urllib.parse import quote

from site_builder.plan.urls import SAFE, quoted

ALPHABET = "az09AZ_.-~/#?=&%: \t\"'<>éñ漢\u2028+;,@!$()*[]{}|\\^`\U0001F600"


def test_quoted_is_quote_for_every_kind_of_character() -> None:
    """Plain paths skip ``quote``; every other one goes through it: the same string either way."""
    rng = random.Random(8)
    paths = ["", "releases/2010/renewed-commitment/", "fr/countries/tn/feed.xml", "static/pdf/Report_2010.v2~final.pdf",
             "a%20b", "?q=1&x=2#top", "café/", "a b", "x+y"]
    paths += ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(12))) for _ in range(3000)]
    for path in paths:
        assert quoted(path) == quote(path, safe=SAFE), path

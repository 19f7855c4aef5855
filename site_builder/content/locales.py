"""What CLDR knows about a language, through Babel: names, writing direction, numbers, sizes.

Nothing here is typed by hand per language: a language added to site.yaml gets its names, its
direction and its number formats from CLDR. The one exception is the *format* locale of English:
CLDR's plain ``en`` is American English ("December 9, 2010"); the Observatory writes from Geneva
and Paris for an international readership, so English pages use CLDR's International English
(``en_001``: "9 December 2010"). Every other language uses its own CLDR locale.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import format_decimal
from babel.units import format_unit

FORMAT_LOCALES = {"en": "en_001"}
OPEN_GRAPH_LOCALES = {"en": "en_GB"}  # the Observatory's English; other languages: the country CLDR finds likeliest


class UnknownLanguage(ValueError):
    """A language code CLDR has no data for."""


@lru_cache(maxsize=None)
def language(code: str) -> Locale:
    """The CLDR locale of a language code as written in site.yaml (``en``, ``fr``, ``ar``, ``pt-BR``)."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise UnknownLanguage(f"'{code}' is not a language CLDR knows ({exc})") from None


@lru_cache(maxsize=None)
def format_locale(code: str) -> Locale:
    """The locale whose conventions format dates and numbers on pages in ``code``."""
    return Locale.parse(FORMAT_LOCALES[code]) if code in FORMAT_LOCALES else language(code)


def open_graph_locale(code: str) -> str:
    """``en_GB``, ``fr_FR``: a language with a country, as Open Graph's ``og:locale`` names it."""
    if code in OPEN_GRAPH_LOCALES:
        return OPEN_GRAPH_LOCALES[code]
    locale = language(code)
    territory = locale.territory or str(get_global("likely_subtags").get(locale.language, "")).rpartition("_")[2]
    return f"{locale.language}_{territory}" if territory else code


def is_known(code: str) -> bool:
    """Whether CLDR has data for ``code``."""
    try:
        language(code)
    except UnknownLanguage:
        return False
    return True


def known_languages() -> list[str]:
    """Every language code CLDR knows (for "did you mean" suggestions)."""
    from babel.localedata import locale_identifiers
    return sorted({ident.replace("_", "-") for ident in locale_identifiers() if "_" not in ident})


def text_direction(code: str) -> str:
    """``rtl`` for Arabic, Hebrew, Persian...; ``ltr`` otherwise (CLDR's character order)."""
    return language(code).text_direction


def language_name(code: str, in_lang: str | None = None) -> str:
    """The name of language ``code`` in ``in_lang`` (default: in itself), as a menu shows it.

    CLDR writes French and Spanish language names in lower case ("français"), as in running text;
    a menu entry starts with a capital, as CLDR's "uiListOrMenu" context asks in those languages.
    """
    name = language(code).get_display_name(language(in_lang or code)) or code
    return name[:1].upper() + name[1:]


def language_name_in_text(code: str, in_lang: str) -> str:
    """The name of ``code`` as written in a sentence of ``in_lang``: "anglais", "inglés", "English"."""
    return language(code).get_display_name(language(in_lang)) or code


def format_number(value: float, lang: str) -> str:
    """A number as readers of ``lang`` write it (separators and digits from CLDR)."""
    return format_decimal(value, locale=format_locale(lang), numbering_system="default")


def file_size(size: int, lang: str) -> str:
    """42 kB, 1.2 MB, 1,2 Mo: a download's size with CLDR's unit names (SI units: 1 kB = 1,000 bytes)."""
    locale = format_locale(lang)
    if size < 1000:
        return format_unit(size, "digital-byte", length="short", locale=locale, numbering_system="default")
    if size < 1000 * 1000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=locale,
                           numbering_system="default")
    return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=locale,
                       format="#,##0.#", numbering_system="default")

"""Countries: ISO 3166-1 alpha-2 codes checked against pycountry, named and grouped by CLDR (Babel).

A release says which countries it is about with their codes (``countries: [TN, BY]``): codes do not
change with the language of the page, and every page names them in its own language from CLDR.
Editors write names too ("Tunisia", "Bélarus"), so a wrong value gets the code it most likely means.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from typing import Any

import pycountry
from babel.core import get_global

from .locales import language
from .schema import FieldError, describe

# UN M49 continents, named by CLDR in every language ("002" = Africa, "019" = Americas...).
AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA, ANTARCTICA = "002", "019", "142", "150", "009", "AQ"
REGION_ORDER = (AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA, ANTARCTICA)
# A country's continent is read from CLDR's time zones of the territory ("Africa/Tunis"); zones on
# islands of the two oceans name no continent, so their territories are placed here (UN M49).
_AREAS = {"Africa": AFRICA, "America": AMERICAS, "Asia": ASIA, "Europe": EUROPE, "Australia": OCEANIA,
          "Pacific": OCEANIA, "Antarctica": ANTARCTICA}
_OCEAN_ZONES = {"Atlantic/Bermuda": AMERICAS, "Atlantic/Cape_Verde": AFRICA, "Atlantic/Faroe": EUROPE,
                "Atlantic/Reykjavik": EUROPE, "Atlantic/South_Georgia": AMERICAS, "Atlantic/St_Helena": AFRICA,
                "Atlantic/Stanley": AMERICAS, "Indian/Maldives": ASIA, "Indian/Christmas": OCEANIA,
                "Indian/Cocos": OCEANIA}
_RESERVED = {"UK": "GB", "EL": "GR"}  # ISO 3166-1 "exceptionally reserved" codes


def codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code (pycountry's copy of the ISO registry)."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def country_list(value: Any) -> tuple[str, ...]:
    """``countries:`` as written: a list of codes (any case), each known to ISO 3166-1, none twice."""
    items = value if isinstance(value, list) else [value]
    result: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"expected a country code, got {describe(item)}", "write codes such as [TN, BY]", (index,))
        code = item.strip().upper()
        if code not in codes():
            raise FieldError(f"'{item.strip()}' is not an ISO 3166-1 alpha-2 country code", suggest(item.strip()), (index,))
        if code in result:
            raise FieldError(f"'{code}' is listed twice", "list each country once", (index,))
        result.append(code)
    return tuple(result)


def suggest(value: str) -> str:
    """"did you mean 'TN' (Tunisia)?" for a name, an alpha-3 code, a former name or a near miss."""
    matches = _by_code(value) or _by_name(value)
    if not matches:
        return "use two-letter codes such as TN (Tunisia) or BY (Belarus); see https://www.iso.org/obp/ui/#search"
    return "did you mean " + " or ".join(f"'{code}' ({country_name(code, 'en')})" for code in matches) + "?"


def _by_name(value: str) -> list[str]:
    try:
        return [pycountry.countries.lookup(value).alpha_2]  # names, official names, alpha-3, numeric
    except LookupError:
        pass
    names = _names()
    key = _fold(value)
    if key in names:
        return [names[key]]
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.75)
    return list(dict.fromkeys(names[name] for name in close))


def _by_code(value: str) -> list[str]:
    """Codes ISO reserves for a country that uses another one (the EU writes UK and EL)."""
    return [code] if (code := _RESERVED.get(value.upper())) else []


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every CLDR name of every country in the languages the Observatory publishes in, folded."""
    names: dict[str, str] = {}
    for lang in ("en", "fr", "es", "ar", "ru", "pt", "de"):
        for code, name in language(lang).territories.items():
            if code in codes():
                names.setdefault(_fold(name), code)
    return names


def _fold(text: str) -> str:
    """Case and accents ignored: "Bélarus" and "belarus" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def country_name(code: str, lang: str) -> str:
    """The country's name in ``lang`` (CLDR), e.g. TN -> "Tunisie" in French."""
    name = language(lang).territories.get(code)
    if name:
        return str(name)
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


def region_of(code: str) -> str:
    """The UN M49 continent of a country (see ``_AREAS``), or "001" (World) when CLDR gives no zone."""
    zones = get_global("territory_zones").get(code, ())
    for zone in zones:
        if zone in _OCEAN_ZONES:
            return _OCEAN_ZONES[zone]
        area = zone.split("/", 1)[0]
        if area in _AREAS:
            return _AREAS[area]
    for zone in zones:  # Indian Ocean islands off Africa (Madagascar, Mauritius, Réunion...)
        if zone.startswith("Indian/"):
            return AFRICA
    return "001"


def region_name(region: str, lang: str) -> str:
    """A continent's name in ``lang`` (CLDR): "Afrique", "América"..."""
    return str(language(lang).territories.get(region, region))


def mentions(text: str, lang: str) -> list[tuple[str, str, int]]:
    """The countries a text names by their CLDR name in ``lang``: (code, words, offset), first mention each.

    Any case inside the name ("Bosnia And Herzegovina"), but a capital first letter where the script
    has capitals: country names are proper nouns, and French "réunion" is a meeting, not Réunion.
    """
    pattern, by_name = _name_pattern(lang)
    found: dict[str, tuple[str, str, int]] = {}
    for match in pattern.finditer(text):
        first = match.group()[0]
        if first.lower() != first.upper() and not first.isupper():  # a proper noun: "la réunion" is a meeting
            continue
        code = by_name[" ".join(match.group().casefold().split())]
        found.setdefault(code, (code, match.group(), match.start()))
    return sorted(found.values(), key=lambda item: item[2])


@lru_cache(maxsize=None)
def _name_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One expression for every country name of ``lang`` (longest first: "Guinea-Bissau" before "Guinea")."""
    by_name = {" ".join(country_name(code, lang).casefold().split()): code for code in sorted(codes())}
    by_name = {name: code for name, code in by_name.items() if len(name) > 3}  # "Mali" yes; no two-letter words
    names = sorted(by_name, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), by_name

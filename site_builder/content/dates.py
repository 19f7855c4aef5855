"""Dates as editors write them: exact days for releases, fuzzy ones for planned meetings.

A planned meeting is often known only to a month (``2008-10``), a quarter (``2015-Q1``) or a
year (``2015``); ``FuzzyDate`` keeps that precision so the timeline can say "first quarter of
2015" instead of inventing a day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
}
QUARTERS = {
    "en": ["first quarter of {y}", "second quarter of {y}", "third quarter of {y}", "fourth quarter of {y}"],
    "fr": ["premier trimestre {y}", "deuxième trimestre {y}", "troisième trimestre {y}", "quatrième trimestre {y}"],
    "es": ["primer trimestre de {y}", "segundo trimestre de {y}", "tercer trimestre de {y}", "cuarto trimestre de {y}"],
}
_DAY = {"en": "{d} {m} {y}", "fr": "{d} {m} {y}", "es": "{d} de {m} de {y}"}
_MONTH = {"en": "{m} {y}", "fr": "{m} {y}", "es": "{m} de {y}"}

_EXACT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")

DATE_FORMAT_HINT = "write the date as YYYY-MM-DD, e.g. 2014-11-14"
FUZZY_FORMAT_HINT = "write YYYY-MM-DD, YYYY-MM, YYYY-Qn (n = 1 to 4) or YYYY, e.g. 2015-Q1"


class DateError(ValueError):
    """A value that is not a date in an accepted form."""


def parse_exact(value: Any) -> dt.date:
    """A ``YYYY-MM-DD`` date (YAML may already have made it a ``date``)."""
    if isinstance(value, dt.datetime):
        raise DateError("a date without a time is expected")
    if isinstance(value, dt.date):
        return value
    match = _EXACT.match(str(value).strip())
    if not match:
        raise DateError(f"'{value}' is not a date")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise DateError(f"'{value}' is not a real date ({exc})") from None


@dataclass(frozen=True)
class FuzzyDate:
    """A date known to a day, a month, a quarter or a year."""

    year: int
    month: Optional[int] = None
    day: Optional[int] = None
    quarter: Optional[int] = None

    @property
    def precision(self) -> str:
        if self.day:
            return "day"
        if self.month:
            return "month"
        return "quarter" if self.quarter else "year"

    def first_day(self) -> dt.date:
        """The earliest day the date can mean: the sort key of the timeline."""
        if self.quarter:
            return dt.date(self.year, 3 * self.quarter - 2, 1)
        return dt.date(self.year, self.month or 1, self.day or 1)

    def sort_key(self) -> tuple[dt.date, int]:
        """Earliest day first; at equal days, the more precise date first."""
        rank = {"day": 0, "month": 1, "quarter": 2, "year": 3}[self.precision]
        return (self.first_day(), rank)

    def iso(self) -> str:
        """The date as the editor wrote it (normalised)."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        if self.quarter:
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}"

    def html(self) -> str:
        """A valid HTML ``datetime`` and schema.org date: a quarter is not one, so it is given as its year."""
        return str(self.year) if self.precision == "quarter" else self.iso()

    def describe(self, lang: str) -> str:
        """The date as a reader would say it: "first quarter of 2015", "October 2008"."""
        if self.day:
            return format_date(self.first_day(), lang)
        if self.month:
            return _MONTH[_lang(lang)].format(m=MONTHS[_lang(lang)][self.month - 1], y=self.year)
        if self.quarter:
            return QUARTERS[_lang(lang)][self.quarter - 1].format(y=self.year)
        return str(self.year)


def parse_fuzzy(value: Any) -> FuzzyDate:
    """``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` (YAML may give a date or an int)."""
    if isinstance(value, bool):
        raise DateError(f"'{value}' is not a date")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return FuzzyDate(value.year, value.month, value.day)
    text = str(value).strip()
    if text[:4] == "0000":
        raise DateError(f"'{value}': there was no year 0")
    if _EXACT.match(text):
        day = parse_exact(text)
        return FuzzyDate(day.year, day.month, day.day)
    if match := _MONTH_RE.match(text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise DateError(f"'{value}' has no month {month}")
        return FuzzyDate(int(match[1]), month)
    if match := _QUARTER_RE.match(text):
        return FuzzyDate(int(match[1]), quarter=int(match[2]))
    if match := _YEAR_RE.match(text):
        return FuzzyDate(int(match[1]))
    raise DateError(f"'{value}' is not a date")


def _lang(lang: str) -> str:
    return lang if lang in MONTHS else "en"


def format_date(day: dt.date, lang: str) -> str:
    """A day as readers of ``lang`` write it: 9 December 2010, 9 décembre 2010, 9 de diciembre de 2010."""
    code = _lang(lang)
    number = "1er" if code == "fr" and day.day == 1 else str(day.day)
    return _DAY[code].format(d=number, m=MONTHS[code][day.month - 1], y=day.year)


def format_range(start: FuzzyDate, end: Optional[dt.date], lang: str) -> str:
    """A meeting's dates: "8–9 December 2010", "30 November – 2 December 2022", or the fuzzy start."""
    if end is None or start.precision != "day" or end == start.first_day():
        return start.describe(lang)
    first = start.first_day()
    code = _lang(lang)
    if (first.year, first.month) == (end.year, end.month):
        return f"{first.day}–{format_date(end, lang)}"
    if first.year == end.year:
        head = format_date(first, lang).rsplit(" ", 1)[0]
        if code == "es":
            head = head.removesuffix(" de")
        return f"{head} – {format_date(end, lang)}"
    return f"{format_date(first, lang)} – {format_date(end, lang)}"

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

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from .locales import format_locale

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
        locale = format_locale(lang)
        if self.month:
            return format_skeleton("yMMMM", self.first_day(), locale=locale)
        if self.quarter:
            return format_skeleton("yQQQQ", self.first_day(), locale=locale)
        return format_skeleton("y", self.first_day(), locale=locale)


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


def format_date(day: dt.date, lang: str) -> str:
    """A day as readers of ``lang`` write it (CLDR's long format): 9 December 2010, 9 de diciembre de 2010."""
    return babel_format_date(day, "long", locale=format_locale(lang))


def format_range(start: FuzzyDate, end: Optional[dt.date], lang: str) -> str:
    """A meeting's dates: "8–9 December 2010", "30 November – 2 December 2022", or the fuzzy start."""
    if end is None or start.precision != "day" or end == start.first_day():
        return start.describe(lang)
    return _interval(start.first_day(), end, format_locale(lang))


_SHORT_MONTH = re.compile(r"(?<![ML])([ML])\1\1(?![ML])")


def _interval(first: dt.date, last: dt.date, locale: Locale) -> str:
    """CLDR's interval format for days with the month in full ("8–9 December 2010").

    Most locales give intervals only with abbreviated months (skeleton ``yMMMd``); as UTS #35 asks
    when a skeleton is matched with a shorter field, the month field is widened (MMM -> MMMM).
    """
    field = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    formats = locale.interval_formats
    parts = (formats.get("yMMMMd") or {}).get(field)
    if parts is None:
        parts = [_SHORT_MONTH.sub(lambda m: m[1] * 4, part) for part in (formats.get("yMMMd") or {}).get(field, [])]
    if len(parts) != 2:  # no interval data: CLDR's fallback pattern, "{0} – {1}"
        return str(formats.get(None, "{0} – {1}")).format(format_date_in(first, locale), format_date_in(last, locale))
    return "".join(babel_format_date(day, part, locale=locale) for day, part in zip((first, last), parts))


def format_date_in(day: dt.date, locale: Locale) -> str:
    """A day in CLDR's long format of ``locale``."""
    return babel_format_date(day, "long", locale=locale)

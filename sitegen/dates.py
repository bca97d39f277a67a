"""Dates known to a year, a month or a day, with ranges, "circa", display and sort order."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def iso(self) -> str:
        """The date as written in front matter and schema.org: 2015, 2015-11 or 2015-11-30."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        # Earliest day the date can mean; on a tie the less precise date comes first,
        # so "2015-09" sorts before "2015-09-01" and "2015" before "2015-01".
        rank = {"year": 0, "month": 1, "day": 2}[self.precision]
        return (self.year, self.month or 1, self.day or 1, rank)

    @property
    def display(self) -> str:
        if self.day and self.month:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    @property
    def last_day(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)


def parse_date(text: str) -> PartialDate | str:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; returns an error message for anything else."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        return f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        return f"'{text}' has no month {month}"
    if day is not None:
        assert month is not None
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return f"'{text}' is not a day of {MONTHS[month - 1]} {year}"
    return PartialDate(year, month, day)


@dataclass(frozen=True, slots=True)
class DateSpan:
    start: PartialDate
    end: PartialDate | None = None
    circa: bool = False

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        return self.start.sort_key

    @property
    def display(self) -> str:
        start, end = self.start, self.end
        text = start.display
        if end and end.precision == start.precision == "day" and end.year == start.year:
            # "5–10 June 1967", "30 November – 12 December 2015": the shared parts once.
            if end.month == start.month:
                text = f"{start.day}–{end.display}"
            else:
                text = f"{start.day} {MONTHS[(start.month or 1) - 1]} – {end.display}"
        elif end:
            text += f" – {end.display}"
        return ("c. " + text) if self.circa else text

    @property
    def iso(self) -> str:
        return self.start.iso + (f"/{self.end.iso}" if self.end else "")

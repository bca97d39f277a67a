"""Partial dates: parsing, display and the documented sort order."""

from __future__ import annotations

import pytest

from sitegen.dates import DateSpan, PartialDate, parse_date


def d(text: str) -> PartialDate:
    value = parse_date(text)
    assert isinstance(value, PartialDate), value
    return value


def test_less_precise_dates_sort_before_the_days_they_contain() -> None:
    written = ["2015-09-21", "2015-09", "2015-10", "2015", "2015-09-01", "2014-12-31", "2015-01"]
    ordered = sorted(written, key=lambda t: d(t).sort_key)
    assert ordered == ["2014-12-31", "2015", "2015-01", "2015-09", "2015-09-01", "2015-09-21", "2015-10"]


@pytest.mark.parametrize("text, message", [
    ("2015-13", "no month 13"), ("2015-02-30", "not a day of February 2015"),
    ("30/11/2015", "not a date"), ("2015-9", "not a date"), ("", "not a date")])
def test_impossible_dates_are_explained(text: str, message: str) -> None:
    result = parse_date(text)
    assert isinstance(result, str) and message in result


def test_display_keeps_the_precision() -> None:
    assert d("2015").display == "2015"
    assert d("2015-11").display == "November 2015"
    assert d("2015-11-30").display == "30 November 2015"
    assert DateSpan(d("1967-06-05"), d("1967-06-10")).display == "5–10 June 1967"
    assert DateSpan(d("2015-11-30"), d("2015-12-12")).display == "30 November – 12 December 2015"
    assert DateSpan(d("2015-09"), None, circa=True).display == "c. September 2015"
    assert d("2016-02-29").last_day.isoformat() == "2016-02-29"

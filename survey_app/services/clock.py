"""The one place that reads the clock, so tests can move it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from survey_app.models.base import utcnow

#: Dates (due dates, enrolment) are Swedish calendar days.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def now() -> datetime:
    return utcnow()


def today() -> date:
    return now().astimezone(LOCAL_ZONE).date()

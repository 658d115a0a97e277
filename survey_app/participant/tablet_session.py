"""A questionnaire opened on a shared tablet (kiosk mode) and how it ends.

It ends when the participant sends their answers, or when nobody has touched the
tablet for a while. Then the link dies and the session is emptied, so the next
person sees a neutral screen, and Back in the browser shows nothing of the last.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app, session

from survey_app.access import KIOSK_SESSION_KEY


@dataclass(frozen=True)
class TabletSession:
    #: The occasion being answered; None once it ended and the tablet waits to be given back.
    occasion_id: int | None
    #: Seconds since the epoch of the last request or "I am still here".
    last_seen: float

    def is_idle(self, now: datetime) -> bool:
        return now.timestamp() - self.last_seen >= current_app.config["TABLET_IDLE_SECONDS"]


def current() -> TabletSession | None:
    stored = session.get(KIOSK_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        return TabletSession(**stored)
    except TypeError:
        return None


def begin(occasion_id: int, now: datetime) -> None:
    """Hand the tablet to a participant: nothing of anyone before them stays."""
    session.clear()
    session[KIOSK_SESSION_KEY] = asdict(TabletSession(occasion_id, now.timestamp()))


def touch(now: datetime) -> None:
    tablet = current()
    if tablet is not None:
        session[KIOSK_SESSION_KEY] = asdict(TabletSession(tablet.occasion_id, now.timestamp()))


def hand_back(now: datetime) -> None:
    """The questionnaire is over: keep only the fact that this is a shared tablet."""
    session.clear()
    session[KIOSK_SESSION_KEY] = asdict(TabletSession(None, now.timestamp()))


def is_on_tablet() -> bool:
    return current() is not None

"""Handing survey links to participants by e-mail, one at a time or as reminders.

A message holds the link and nothing else about the participant: no code, no
answers, no organisation, since e-mail passes through servers Stegvis cannot vouch for.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mail import Message
from sqlalchemy.orm import selectinload

from survey_app.extensions import db, mail
from survey_app.models import Occasion, Participant, User
from survey_app.services import ServiceError, audit, clock, links, schedule
from survey_app.services.schedule import OccasionStatus

#: Statuses that call for a reminder: the occasion is open and not yet answered.
REMIND_STATUSES = (OccasionStatus.DUE, OccasionStatus.OVERDUE, OccasionStatus.IN_PROGRESS)


#: Two e-mails closer than this are one click sent twice, or a coach's e-mail crossing
#: a reminder: the second would only kill the link the first has just delivered.
RESEND_PAUSE = timedelta(minutes=1)


class MailNotSent(ServiceError):
    pass


class RecentlyEmailed(ServiceError):
    pass


def link_lifetime() -> timedelta:
    return timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])


def link_message(address: str, language: str, url: str, expires_on: date) -> Message:
    """The invitation in the participant's language; the Swedish is easy-read."""
    with force_locale(language):
        return Message(
            subject=_("Time to answer some questions"),
            recipients=[address],
            body=render_template(
                "mail/survey_link.txt", url=url,
                expires_on=format_date(expires_on, "d MMMM yyyy"),
            ),
        )


def open_occasion(participant: Participant, today: date) -> Occasion:
    """The occasion the participant can answer now, stored; refused when none is due."""
    planned = schedule.current(participant, today)
    if planned is None:
        raise ServiceError(_l("Nothing is due right now, so no link was made."))
    return schedule.ensure_stored(participant, planned)


def fresh_link(participant: Participant, now: datetime, today: date) -> tuple[Occasion, str]:
    """A new link for the participant's open occasion; the previous one dies at once.

    The token is returned only here: only its hash is stored.
    """
    occasion = open_occasion(participant, today)
    return occasion, links.issue(occasion, now, link_lifetime())


def email_link(
    participant: Participant, actor: User | None, now: datetime, today: date
) -> Occasion:
    """Send a fresh link for the participant's open occasion to their address.

    The new link replaces the old at once; if sending fails the caller rolls back,
    and the old link lives on.
    """
    address = participant.email
    if not address:
        raise ServiceError(_l("There is no e-mail address for this participant."))
    if not _claim_sending(participant, now):
        raise RecentlyEmailed(_l("A link was e-mailed less than a minute ago. Sending "
                                 "another now would stop that link from working."))
    occasion, token = fresh_link(participant, now, today)
    url = links.survey_url(current_app.config["BASE_URL"], token)
    expires_on = (now + link_lifetime()).astimezone(clock.LOCAL_ZONE).date()
    try:
        mail.send(link_message(address, participant.language, url, expires_on))
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("Survey e-mail not sent: %s", type(error).__name__)
        raise MailNotSent(
            _l("The e-mail could not be sent. Try again later, or give the link in another way.")
        ) from None
    participant.last_emailed_at = now
    audit.record(actor, "send_email", occasion, reminder=actor is None)
    db.session.flush()
    return occasion


def _claim_sending(participant: Participant, now: datetime) -> bool:
    """Mark the participant e-mailed now, unless that happened within ``RESEND_PAUSE``.

    One conditional UPDATE: of two requests at the same moment, the second waits for
    the first's row lock and then finds the new time, so only one sends.
    """
    claimed = db.session.execute(
        sa.update(Participant)
        .where(Participant.id == participant.id,
               sa.or_(Participant.last_emailed_at.is_(None),
                      Participant.last_emailed_at <= now - RESEND_PAUSE))
        .values(last_emailed_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def reminder_due(participant: Participant, now: datetime, today: date) -> bool:
    """True when the participant should get a reminder today."""
    if not participant.email or participant.anonymised_at is not None:
        return False
    interval = timedelta(days=current_app.config["REMINDER_INTERVAL_DAYS"])
    if participant.last_emailed_at is not None and now - participant.last_emailed_at < interval:
        return False
    planned = schedule.current(participant, today)
    return planned is not None and planned.status in REMIND_STATUSES


@dataclass(frozen=True)
class ReminderCandidates:
    due: list[int]
    #: Would be due, but had an e-mail within the reminder interval.
    recently_emailed: int


def reminder_candidates(now: datetime, today: date) -> ReminderCandidates:
    """Ids of participants to remind now, and how many wait because of a recent e-mail."""
    participants = db.session.scalars(
        sa.select(Participant)
        .where(Participant.email.is_not(None), Participant.anonymised_at.is_(None))
        .options(selectinload(Participant.occasions).selectinload(Occasion.response))
        .order_by(Participant.id)
    ).all()
    due, recent = [], 0
    for participant in participants:
        if reminder_due(participant, now, today):
            due.append(participant.id)
        else:
            planned = schedule.current(participant, today)
            if planned is not None and planned.status in REMIND_STATUSES:
                recent += 1
    return ReminderCandidates(due, recent)

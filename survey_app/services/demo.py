"""Deterministic synthetic data, so a newcomer sees a report that says something.

Women and men move at different paces on purpose: the gender-disaggregated
table and chart then show a difference worth looking at.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from questionnaires import Catalogue, Item, LoadedQuestionnaire, Questionnaire
from survey_app.extensions import db
from survey_app.models import (
    ExitOutcome,
    Gender,
    IncomeSource,
    Occupation,
    Organisation,
    Participant,
    ResponseMode,
    Role,
    User,
)
from survey_app.services import ServiceError, enrolment, organisations, responses, schedule, users
from survey_app.services.schedule import OccasionStatus

ROOT = "Stegvis demo"
ASSOCIATION = f"{ROOT}/Samordningsförbundet Exempel"
SUBPROJECTS = (f"{ASSOCIATION}/Delprojekt Norr", f"{ASSOCIATION}/Delprojekt Söder")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: Role
    organisation: str


DEMO_LOGINS = (
    DemoLogin("coach@stegvis.example", "demo-coach-password", Role.COACH, ASSOCIATION),
    DemoLogin("evaluator@stegvis.example", "demo-evaluator-password", Role.EVALUATOR, ROOT),
    DemoLogin("admin@stegvis.example", "demo-admin-password", Role.ADMIN, ROOT),
)

#: Mean steps gained per follow-up: different by design, see the module docstring.
PACE = {Gender.WOMAN: 0.45, Gender.MAN: 0.2, Gender.OTHER: 0.3, Gender.NOT_STATED: 0.3}
GENDER_WEIGHTS = {Gender.WOMAN: 52, Gender.MAN: 44, Gender.OTHER: 2, Gender.NOT_STATED: 2}
ANSWER_RATE = {"intake": 0.95, "followup": 0.8, "exit": 0.7}
#: Occasions open today are answered less often, so the caseload shows due, overdue
#: and half-finished questionnaires, not only completed ones.
OPEN_ANSWER_RATE = 0.4
STARTED_RATE = 0.3
EMAIL_RATE = 0.3


def _in_demo(path_column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    return sa.or_(path_column == ROOT, path_column.startswith(ROOT + "/", autoescape=True))


def holds_real_data() -> bool:
    """True if anything lies outside the demo project: then demo data must not be mixed in."""
    outside = sa.not_(_in_demo(Organisation.path))
    for model in (Participant, User):
        query = sa.select(model.id).join(model.organisation).where(outside).limit(1)
        if db.session.scalar(query) is not None:
            return True
    return False


def has_demo_data() -> bool:
    return db.session.scalar(
        sa.select(Participant.id).join(Participant.organisation)
        .where(_in_demo(Organisation.path)).limit(1)
    ) is not None


def load(catalogue: Catalogue, participants: int, seed: int, today: date) -> int:
    """Replace the demo project's participants with ``participants`` new ones."""
    if holds_real_data():
        raise ServiceError(_l("This database holds real data; demo data is not added to it."))
    for old in db.session.scalars(
        sa.select(Participant).join(Participant.organisation).where(_in_demo(Organisation.path))
    ):
        db.session.delete(old)
    db.session.flush()

    subprojects = [organisations.add(path) for path in SUBPROJECTS]
    logins = _ensure_logins()
    coach = logins[Role.COACH]
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    for number in range(1, participants + 1):
        _make_participant(rng, catalogue, number, rng.choice(subprojects), coach, today)
    db.session.flush()
    return participants


def _ensure_logins() -> dict[Role, User]:
    found = {}
    for login in DEMO_LOGINS:
        user = db.session.scalar(sa.select(User).where(User.email == login.email))
        if user is None:
            user = users.create_user(
                login.email, login.password, login.role, organisations.add(login.organisation),
                name=f"Demo {login.role.value}",
            )
        found[login.role] = user
    return found


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _make_participant(
    rng: random.Random, catalogue: Catalogue, number: int, organisation: Organisation,
    coach: User, today: date,
) -> None:
    gender = rng.choices(list(GENDER_WEIGHTS), weights=list(GENDER_WEIGHTS.values()))[0]
    enrolled_on = today - timedelta(days=rng.randint(0, 540))
    code = f"DEMO-{number:04d}"
    participant = enrolment.enrol(
        code=code, gender=gender, birth_year=today.year - rng.randint(19, 62),
        organisation=organisation, language=rng.choices(["sv", "en"], weights=[9, 1])[0],
        prefers_easy_read=rng.random() < 0.6, coach=coach, today=enrolled_on,
        consent=enrolment.Consent(True, enrolled_on),
        circumstances=_circumstances(rng, starting=True),
        # example.org is reserved for examples: nothing sent there reaches anyone.
        email=f"{code.lower()}@example.org" if rng.random() < EMAIL_RATE else None,
    )
    start_step = rng.randint(1, 4)
    days_enrolled = (today - enrolled_on).days
    if days_enrolled > 200 and rng.random() < 0.5:
        exited_on = enrolled_on + timedelta(days=rng.randint(150, days_enrolled))
        final_step = _clamp(start_step + PACE[gender] * days_enrolled / 91, 1, 7)
        outcome = (
            ExitOutcome.WORK if final_step >= 7 else
            ExitOutcome.STUDIES if final_step == 6 and rng.random() < 0.5 else
            rng.choice([ExitOutcome.PROGRAMME, ExitOutcome.REHABILITATION, ExitOutcome.UNKNOWN])
        )
        enrolment.record_exit(
            participant, exited_on=exited_on, outcome=outcome,
            circumstances=_circumstances(rng, starting=False), actor=coach, today=exited_on,
        )
    db.session.flush()

    loaded = catalogue.latest(responses.DEFAULT_QUESTIONNAIRE)
    for planned in schedule.plan(participant, today):
        if planned.due_on > today or planned.status == OccasionStatus.SCHEDULED:
            continue
        still_open = planned.status in schedule.OPEN_STATUSES
        if rng.random() > (OPEN_ANSWER_RATE if still_open else ANSWER_RATE[planned.kind.value]):
            if still_open and rng.random() < STARTED_RATE:
                _start_without_sending(rng, loaded, participant, planned, start_step, today)
            continue
        quarters = (planned.due_on - enrolled_on).days / 91
        step = _clamp(start_step + PACE[gender] * quarters + rng.gauss(0, 0.6), 1, 7)
        answered_on = min(today, planned.due_on + timedelta(days=rng.randint(0, 10)))
        moment = datetime.combine(answered_on, time(10, 0), tzinfo=UTC)
        occasion = schedule.ensure_stored(participant, planned)
        language = responses.text_language(loaded, participant)
        response = responses.get_or_start(occasion, loaded, language, ResponseMode.SELF, moment)
        items = responses.items_for(occasion, loaded)
        for item in items:
            raw = _answer(rng, item, loaded.definition, step)
            responses.save_answer(response, loaded, item, raw, moment)
        responses.submit(response, loaded, items, moment)


def _circumstances(rng: random.Random, *, starting: bool) -> enrolment.Circumstances:
    """Most start far from work on benefits; at exit some work or study on a salary."""
    if starting:
        occupation = rng.choice([Occupation.SICK_LEAVE, Occupation.JOB_SEEKING, Occupation.NONE])
    else:
        occupation = rng.choice(list(Occupation))
    income = {
        Occupation.WORK: IncomeSource.SALARY,
        Occupation.STUDIES: IncomeSource.STUDENT_AID,
        Occupation.SICK_LEAVE: IncomeSource.SICKNESS_COMPENSATION,
        Occupation.JOB_SEEKING: IncomeSource.UNEMPLOYMENT_BENEFIT,
    }.get(occupation, rng.choice([IncomeSource.SOCIAL_ASSISTANCE, IncomeSource.NONE_OR_OTHER]))
    return enrolment.Circumstances(occupation, income)


def _start_without_sending(
    rng: random.Random, loaded: LoadedQuestionnaire, participant: Participant,
    planned: schedule.PlannedOccasion, step: int, today: date,
) -> None:
    """A questionnaire left half-way, as happens when a participant is interrupted."""
    moment = datetime.combine(today, time(9, 0), tzinfo=UTC)
    occasion = schedule.ensure_stored(participant, planned)
    language = responses.text_language(loaded, participant)
    response = responses.get_or_start(occasion, loaded, language, ResponseMode.SELF, moment)
    for item in responses.items_for(occasion, loaded)[:3]:
        responses.save_answer(response, loaded, item, _answer(rng, item, loaded.definition, step),
                              moment)


def _answer(rng: random.Random, item: Item, definition: Questionnaire, step: int) -> str:
    """A plausible raw answer: scale answers rise with the participant's step."""
    if item.type == "text":
        return ""
    if item.type == "ladder":
        return str(step)
    if rng.random() < 0.05:
        return "dont_know"
    values = [option.value for option in item.question_type.options(item, definition)]
    low, high = min(values), max(values)
    return str(_clamp(low + (step - 1) * (high - low) / 6 + rng.gauss(0, 0.8), low, high))

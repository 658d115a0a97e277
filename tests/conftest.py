"""Fixtures: an application on a migrated database, a client, and factories.

Every database test runs on SQLite and on PostgreSQL. The schema is built once
per backend by the real migrations, in a database of the session's own (a temp
file; a throw-away PostgreSQL database); each test then starts from empty tables.
Set STEGVIS_TEST_BACKENDS=sqlite to skip PostgreSQL deliberately.
"""

from __future__ import annotations

import os
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import (
    Gender,
    IncomeSource,
    OccasionKind,
    Occupation,
    Organisation,
    Participant,
    ResponseMode,
    Role,
    User,
)
from survey_app.services import clock, enrolment, organisations, responses, schedule, users
from survey_app.testing import serving
from tests.smtp_inbox import Inbox, receiving

BACKENDS = [b for b in os.environ.get("STEGVIS_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
POSTGRES_URL = os.environ.get(
    "STEGVIS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BASE_URL = "https://stegvis.test/enkat"
PASSWORD = "correct horse battery staple"


def app_config(database_url: str, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": BASE_URL,
        "PASSWORD_HASH_PROFILE": "cheapest",
        # The test client and live server speak plain http, whatever BASE_URL says.
        "SESSION_COOKIE_SECURE": False,
        **overrides,
    }


@contextmanager
def throwaway_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards.

    Each test session gets its own, so two runs on one machine (a developer's and
    CI's) never empty each other's tables, and the server's own databases are
    never touched.
    """
    name = f"stegvis_test_{os.getpid()}_{secrets.token_hex(4)}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        engine.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {server_url} ({error.orig}). Start it, point "
            "STEGVIS_TEST_POSTGRES_URL at one, or set STEGVIS_TEST_BACKENDS=sqlite.",
            pytrace=False,
        )
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "stegvis.sqlite3")
        elif request.param == "postgresql":
            url = stack.enter_context(throwaway_postgres_database(POSTGRES_URL))
        else:
            raise ValueError(f"unknown backend {request.param!r}")
        app = create_app(app_config(url))
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
        yield url


def empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608 - our own names


class IsolatedClient(FlaskClient):
    """A test client whose every request gets a fresh application context.

    Flask reuses an already pushed context for requests, which would share ``g``
    (the logged-in user, the locale) and the database session between requests
    and clients. A real server never does; neither do these tests.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(app_config(database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as address:
        yield address


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    """What the app e-mails, received by a real SMTP server on 127.0.0.1."""
    with receiving(app) as received:
        yield received


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'type="hidden" value="([^"]+)" name="csrf_token"|'
                        r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on the page at ``url``, as a browser would send it."""
    page = client.get(url, follow_redirects=True)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return next(group for group in match.groups() if group)


def make_organisation(path: str) -> Organisation:
    organisation = organisations.add(path)
    db.session.commit()
    return organisation


def default_email(role: Role, org_path: str) -> str:
    return f"{role.value}.{org_path.replace('/', '.').replace(' ', '')}@stegvis.example".lower()


def make_user(role: Role, org_path: str, email: str | None = None) -> User:
    user = users.create_user(
        email or default_email(role, org_path), PASSWORD, role, organisations.add(org_path)
    )
    db.session.commit()
    return user


def make_participant(
    code: str = "HAN-0001",
    org_path: str = "MIA/Haninge",
    gender: Gender = Gender.WOMAN,
    enrolled_on: date | None = None,
    coach: User | None = None,
    **kwargs: object,
) -> Participant:
    today = enrolled_on or clock.today()
    options: dict = {
        "language": "sv",
        "prefers_easy_read": True,
        "birth_year": 1990,
        "consent": enrolment.Consent(True, today),
        "circumstances": enrolment.Circumstances(Occupation.SICK_LEAVE,
                                                 IncomeSource.SICKNESS_COMPENSATION),
    } | kwargs
    participant = enrolment.enrol(
        code=code, gender=gender, organisation=organisations.add(org_path), coach=coach,
        today=today, **options,
    )
    db.session.commit()
    return participant


def submit_answers(
    participant: Participant, kind: OccasionKind, values: dict[str, str], *,
    sequence: int | None = None, default: str = "3", send: bool = True,
    version: int | None = None,
) -> None:
    """Answer the participant's occasion of ``kind`` (the first planned, or follow-up
    ``sequence``) on its due day, on the questionnaire's latest version or ``version``:
    ``default`` unless ``values`` says otherwise, text left empty; sent unless ``send``
    is false."""
    catalogue = current_app.extensions["questionnaires"]
    loaded = catalogue.latest("stegvis") if version is None else catalogue.get("stegvis",
                                                                               version)
    planned = next(p for p in schedule.plan(participant, clock.today())
                   if p.kind == kind and sequence in (None, p.sequence))
    occasion = schedule.ensure_stored(participant, planned)
    moment = datetime.combine(planned.due_on, datetime.min.time(), tzinfo=UTC)
    response = responses.get_or_start(occasion, loaded, "sv", ResponseMode.SELF, moment)
    items = responses.items_for(occasion, loaded)
    for item in items:
        fallback = "" if item.type == "text" else default
        responses.save_answer(response, loaded, item, values.get(item.id, fallback), moment)
    if send:
        responses.submit(response, loaded, items, moment)
    db.session.commit()


def login_as(client: FlaskClient, user: User) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A new test client, logged in as ``user``."""
    client = app.test_client()
    login_as(client, user)
    return client


def form_token(client: FlaskClient, url: str) -> dict[str, str]:
    return {"csrf_token": csrf_token(client, url)}


def drawn_texts(svg: bytes | str) -> list[str]:
    """The words and numbers an SVG chart shows, one entry per text it draws."""
    root = ET.fromstring(svg)  # noqa: S314 - our own chart, not untrusted input
    return ["".join(element.itertext()) for element in root.iter()
            if element.tag.rsplit("}", 1)[-1] == "text"]

"""Staff log in with e-mail and password; a wrong try says little and is rate-limited."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from survey_app.models import Role
from tests.conftest import PASSWORD, csrf_token, make_user

WRONG = "E-postadressen eller lösenordet är fel."


def log_in(client: FlaskClient, email: str, password: str):
    return client.post("/login", data={
        "csrf_token": csrf_token(client, "/login"), "email": email, "password": password,
    })


@pytest.fixture
def coach(app):
    return make_user(Role.COACH, "MIA/Haninge", email="coach@haninge.example")


def test_the_right_password_leads_home_whatever_the_case_of_the_address(app, coach):
    client = app.test_client()
    response = log_in(client, "Coach@Haninge.example", PASSWORD)
    assert response.headers["Location"].endswith("/coach/")
    assert client.get("/coach/").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("coach@haninge.example", "not the password"), ("nobody@haninge.example", PASSWORD)],
    ids=["wrong password", "unknown address"],
)
def test_a_wrong_try_gets_one_message_that_does_not_say_which_part_was_wrong(
        app, coach, email, password):
    client = app.test_client()
    response = log_in(client, email, password)
    assert response.status_code == 200
    assert WRONG in response.get_data(as_text=True)
    assert client.get("/coach/").status_code == 302


@pytest.mark.parametrize("email", ["coach\x00@haninge.example", "coach@haninge.example\x1b"])
def test_an_address_with_an_invisible_character_gets_a_message_not_an_error(app, coach, email):
    # PostgreSQL refused the NUL even in the lookup, and the page answered 500.
    client = app.test_client()
    response = log_in(client, email, PASSWORD)
    assert response.status_code == 200
    assert "Texten har ett osynligt tecken som inte kan sparas." in response.get_data(
        as_text=True)
    assert client.get("/coach/").status_code == 302


def test_after_ten_tries_in_a_minute_even_the_right_password_waits(app, coach):
    client = app.test_client()
    for _ in range(10):
        assert log_in(client, coach.email, "guess").status_code == 200
    assert log_in(client, coach.email, PASSWORD).status_code == 429
    assert client.get("/coach/").status_code == 302

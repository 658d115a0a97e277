"""Application set-up: configuration layers and refusal to start without a secret."""

from __future__ import annotations

import os
import secrets

import pytest

from survey_app import ConfigurationError, create_app
from survey_app.extensions import db
from tests.conftest import app_config


def test_no_secret_key_stops_start_up_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_environment_settings_apply(tmp_path, monkeypatch):
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example/stegvis")
    monkeypatch.setenv("STEGVIS_BASE_URL", "https://stegvis.example.se/")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s3cret"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/stegvis"
    assert app.config["BASE_URL"] == "https://stegvis.example.se"
    # Unset, one chart process per core this process may use.
    assert app.config["CHART_PROCESSES"] == len(os.sched_getaffinity(0))
    assert (app.config["SUPPRESSION_THRESHOLD"], app.config["MIN_N_FOR_TESTS"]) == (5, 10)
    monkeypatch.setenv("STEGVIS_CHART_PROCESSES", "0")
    monkeypatch.setenv("STEGVIS_SUPPRESSION_THRESHOLD", "10")
    monkeypatch.setenv("STEGVIS_MIN_N_FOR_TESTS", "20")
    changed = create_app().config
    assert (changed["CHART_PROCESSES"], changed["SUPPRESSION_THRESHOLD"],
            changed["MIN_N_FOR_TESTS"]) == (0, 10, 20)


def test_mail_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    for name, value in {
        "MAIL_SERVER": "smtp.example.se", "MAIL_PORT": "587", "MAIL_USE_TLS": "true",
        "MAIL_USERNAME": "stegvis", "MAIL_PASSWORD": "pw",
        "MAIL_DEFAULT_SENDER": "Stegvis <enkat@example.se>",
    }.items():
        monkeypatch.setenv(name, value)
    mail = create_app().extensions["mail"]
    assert (mail.server, mail.port, mail.use_tls, mail.use_ssl) == (
        "smtp.example.se", 587, True, False
    )
    assert (mail.username, mail.password, mail.default_sender) == (
        "stegvis", "pw", "Stegvis <enkat@example.se>"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MAIL_PORT", "smtp", "invalid literal"),
        ("MAIL_USE_TLS", "maybe", "MAIL_USE_TLS must be true or false"),
        ("STEGVIS_ERASURE_POLICY", "shred", "STEGVIS_ERASURE_POLICY must be"),
        ("STEGVIS_CHART_PROCESSES", "-1", "STEGVIS_CHART_PROCESSES must be a whole number"),
        ("STEGVIS_CHART_PROCESSES", "two", "STEGVIS_CHART_PROCESSES must be a whole number"),
        ("STEGVIS_SUPPRESSION_THRESHOLD", "2", "STEGVIS_SUPPRESSION_THRESHOLD must be a whole "
         "number, 3 or more"),
        ("STEGVIS_SUPPRESSION_THRESHOLD", "five", "STEGVIS_SUPPRESSION_THRESHOLD must be"),
        ("STEGVIS_MIN_N_FOR_TESTS", "5", "STEGVIS_MIN_N_FOR_TESTS must be a whole number, 6 "
         "or more"),
    ],
)
def test_a_bad_setting_stops_start_up_with_a_clear_message(
    tmp_path, monkeypatch, variable, value, message
):
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=message):
        create_app()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "secret_key").write_text("k" * 64)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/stegvis.sqlite3"
    assert app.config["SECRET_KEY"] == "k" * 64


def test_every_response_carries_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_behind_a_proxy_the_forwarded_client_address_is_used(database_url):
    app = create_app(app_config(database_url, PROXY_COUNT=1, DEAD_LINK_RATE_LIMIT="2 per minute"))
    client = app.test_client()
    dead = "/s/" + "n" * 43
    try:
        for _ in range(2):
            client.get(dead, headers={"X-Forwarded-For": "203.0.113.7"})
        assert client.get(dead, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
        # Another participant behind the same proxy is not locked out with them.
        assert client.get(dead, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 404
    finally:
        with app.app_context():
            db.engine.dispose()


def test_an_https_base_url_makes_the_session_cookie_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("STEGVIS_BASE_URL", "https://stegvis.example.se")
    assert create_app().config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("STEGVIS_BASE_URL", "http://127.0.0.1:5000")
    assert create_app().config["SESSION_COOKIE_SECURE"] is False


def test_rate_limit_counters_can_live_in_redis_for_several_workers(database_url):
    import redis

    app = create_app(app_config(
        database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        DEAD_LINK_RATE_LIMIT="2 per minute",
    ))
    client = app.test_client()
    server = redis.Redis(host="127.0.0.1", port=6379)
    # A fresh client address, so that no other counter in Redis (an earlier run's,
    # or a test running beside this one) affects this one.
    address = f"127.{secrets.randbelow(250)}.{secrets.randbelow(250)}.9"
    try:
        client.environ_base["REMOTE_ADDR"] = address
        statuses = [client.get("/s/" + "r" * 43).status_code for _ in range(3)]
        assert statuses == [404, 404, 429]
        # The counter is in Redis, where every worker process finds it.
        assert list(server.scan_iter(f"*{address}*"))
    finally:
        for key in server.scan_iter(f"*{address}*"):
            server.delete(key)
        server.close()
        with app.app_context():
            db.engine.dispose()

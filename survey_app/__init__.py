"""Stegvis: accessible self-assessment surveys for labour-market rehabilitation."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from analysis.statistics import SMALLEST_MIN_N_FOR_TESTS, usable_cores
from analysis.suppression import MINIMUM_THRESHOLD
from questionnaires import Catalogue
from survey_app.config import (
    Defaults,
    as_bool,
    default_database_uri,
    read_secret_key,
    settings_from_environment,
)
from survey_app.routing import DatabaseIntegerConverter


class ConfigurationError(RuntimeError):
    pass


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: layered settings, extensions, blueprints. Nothing else."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("STEGVIS_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings_from_environment(os.environ))
    app.config.update(config_overrides or {})
    _finish_config(app)
    # Before any blueprint adds its rules: each binds its converters as it is added.
    app.url_map.converters["int"] = DatabaseIntegerConverter
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    from survey_app import extensions

    extensions.init_app(app)
    app.extensions["questionnaires"] = Catalogue.from_directory(
        app.config.get("QUESTIONNAIRE_DIR") or Catalogue.default_directory()
    )

    from survey_app import (
        admin,
        api,
        auth,
        cli,
        coach,
        errors,
        evaluator,
        i18n,
        participant,
        templating,
    )

    i18n.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(participant.bp)
    app.register_blueprint(coach.bp)
    app.register_blueprint(evaluator.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    return app


def _whole_number(value: object, variable: str, least: int) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < least:
        raise ConfigurationError(f"{variable} must be a whole number, {least} or more.")
    return int(text)


def _finish_config(app: Flask) -> None:
    config = app.config
    uri = config.get("SQLALCHEMY_DATABASE_URI") or default_database_uri(app.instance_path)
    # psycopg 3 is the driver we ship; accept the URLs hosting platforms hand out.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri[len(prefix):]
    config["SQLALCHEMY_DATABASE_URI"] = uri
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = read_secret_key(app.instance_path)
    if not config.get("SECRET_KEY"):
        raise ConfigurationError(
            "No SECRET_KEY: set the SECRET_KEY environment variable, or run any "
            "`survey-app` command once to create instance/secret_key."
        )
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    config["PROXY_COUNT"] = int(config["PROXY_COUNT"])
    if config["CHART_PROCESSES"] is None:
        config["CHART_PROCESSES"] = usable_cores()
    for setting, least in (("CHART_PROCESSES", 0),
                           ("SUPPRESSION_THRESHOLD", MINIMUM_THRESHOLD),
                           ("MIN_N_FOR_TESTS", SMALLEST_MIN_N_FOR_TESTS)):
        config[setting] = _whole_number(config[setting], f"STEGVIS_{setting}", least)
    try:
        config["MAIL_PORT"] = int(config["MAIL_PORT"])
        for setting in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
            config[setting] = as_bool(config[setting], setting)
    except ValueError as error:
        raise ConfigurationError(f"Mail settings: {error}") from None
    if config["ERASURE_POLICY"] not in ("delete", "anonymise"):
        raise ConfigurationError("STEGVIS_ERASURE_POLICY must be 'delete' or 'anonymise'.")
    # Served over HTTPS, the session cookie (which carries the CSRF secret) never
    # travels in clear.
    if config["SESSION_COOKIE_SECURE"] is None:
        config["SESSION_COOKIE_SECURE"] = config["BASE_URL"].startswith("https://")

"""Locale choice: Swedish first, English second.

Participant pages follow the participant's own language; staff pages follow the
browser. Questionnaire wording comes from the questionnaire files, not from here.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale

from survey_app.extensions import babel


def select_locale() -> str:
    forced = g.get("locale")
    if forced:
        return forced
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(
        current_app.config["LANGUAGES"], default=current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def babel_locale_for(language: str) -> str:
    """The interface locale for a questionnaire language such as ``sv-easy``."""
    base = language.split("-", 1)[0]
    return base if base in current_app.config["LANGUAGES"] else current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


PARTICIPANT_LANGUAGE_KEY = "participant_language"
DEFAULT_PARTICIPANT_LANGUAGE = "sv-easy"


def use_participant_language(language: str | None = None) -> None:
    """Show participant pages in ``language``, else the one they last answered in.

    Participants do not choose a language in their browser settings, and a shared
    tablet's settings say nothing about them, so Accept-Language is ignored here.
    """
    if language is not None:
        session[PARTICIPANT_LANGUAGE_KEY] = language
    language = session.get(PARTICIPANT_LANGUAGE_KEY, DEFAULT_PARTICIPANT_LANGUAGE)
    g.text_language = language
    g.locale = babel_locale_for(language)


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

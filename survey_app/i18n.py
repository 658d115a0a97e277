"""Locale choice: Swedish first, English second.

Participant pages follow the participant's own language; staff pages follow the
browser. Questionnaire wording comes from the questionnaire files, not from here.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
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
    """The interface locale for a questionnaire language such as ``sv-easy``.

    Participant pages speak more languages than staff pages: their interface
    strings are few and short, and the people reading them need them most.
    """
    base = language.split("-", 1)[0]
    config = current_app.config
    return base if base in config["PARTICIPANT_LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def use_participant_language(language: str) -> None:
    """Show this request's participant page in ``language`` (e.g. ``sv-easy``, ``ar``).

    Participants do not choose a language in their browser settings, and a shared
    tablet's settings say nothing about them, so Accept-Language is ignored here.
    """
    g.text_language = language
    g.locale = babel_locale_for(language)


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

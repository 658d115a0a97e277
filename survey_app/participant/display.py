"""How participant pages are shown: language, easy-read and pictures.

The choice lives in the session, not in the database: it is how this person
wants to read the pages now, and on a shared tablet it must not outlive them.
It is tied to the occasion it was made for, so the next person's link starts
from their own enrolment settings, not from the last reader's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from babel import Locale, UnknownLocaleError
from flask import session

from questionnaires import Questionnaire
from questionnaires.schema import EASY_READ_SUFFIX
from survey_app.i18n import use_participant_language

SESSION_KEY = "participant_display"


@dataclass(frozen=True)
class Display:
    #: A base language code: "sv", "en", "ar", …
    language: str = "sv"
    easy_read: bool = True
    pictograms: bool = True
    #: The occasion this choice was made for; None on pages outside a questionnaire.
    occasion_id: int | None = None

    def text_language(self, questionnaire: Questionnaire) -> str:
        return questionnaire.wording_for(self.language, self.easy_read)

    def changed(self, language: str | None, easy_read: bool | None,
                pictograms: bool | None) -> Display:
        return replace(
            self,
            language=language if language is not None else self.language,
            easy_read=easy_read if easy_read is not None else self.easy_read,
            pictograms=pictograms if pictograms is not None else self.pictograms,
        )


def base_language(language: str) -> str:
    return language.removesuffix(EASY_READ_SUFFIX)


def base_languages(available: list[str]) -> list[str]:
    """Languages to offer, once each, easy-read variants folded into their language."""
    return list(dict.fromkeys(base_language(language) for language in available))


def language_name(code: str, in_locale: Locale | str | None = None) -> str:
    """A language's own name for itself ("Svenska", "English", "العربية"), or its name
    in ``in_locale`` as within a sentence ("arabiska")."""
    try:
        name = Locale.parse(code).get_display_name(in_locale or code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name if in_locale else name[:1].upper() + name[1:]


def text_direction(language: str) -> str:
    try:
        return Locale.parse(base_language(language)).text_direction
    except (ValueError, UnknownLocaleError):
        return "ltr"


def current() -> Display | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        return Display(**stored)
    except TypeError:  # a cookie from an older release: start afresh
        return None


def remember(display: Display) -> Display:
    session[SESSION_KEY] = asdict(display)
    return display


def for_occasion(occasion_id: int, initial: Display) -> Display:
    """This occasion's display: as chosen earlier in this session, else ``initial``."""
    chosen = current()
    if chosen is not None and chosen.occasion_id == occasion_id:
        return chosen
    return remember(replace(initial, occasion_id=occasion_id))


def apply_outside_questionnaire() -> Display:
    """Pages without a questionnaire (help, thanks, errors) follow the last choice."""
    display = current() or Display()
    use_participant_language(
        display.language + EASY_READ_SUFFIX if display.easy_read else display.language
    )
    return display


from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from questionnaires import InvalidAnswer, Item, LoadedQuestionnaire
from survey_app.extensions import db, limiter
from survey_app.i18n import use_participant_language
from survey_app.models import Answer, Occasion, Response, ResponseMode
from survey_app.participant import bp, display, tablet_session
from survey_app.participant.forms import (
    DisplayForm,
    QuestionForm,
    SendForm,
    TabletCodeForm,
    question_form,
    safe_return_path,
)
from survey_app.services import ServiceError, clock, links, responses, tablet

INVALID_ANSWER_MESSAGES = {
    "required": lambda: _("Choose an answer."),
    "not_an_option": lambda: _("Choose one of the answers."),
    "too_long": lambda: _("Write a shorter answer."),
}
#: ``?return=review``: a change made from the review page goes back to it.
RETURN_TO_REVIEW = "review"


# Only failed look-ups count, so a participant answering many pages is never slowed,
# while guessing tokens is.
limiter.limit(
    lambda: current_app.config["DEAD_LINK_RATE_LIMIT"],
    deduct_when=lambda response: response.status_code == 404,
)(bp)


@bp.after_request
def keep_links_private(response: WerkzeugResponse) -> WerkzeugResponse:
    # The token is in the URL: keep it out of Referer headers and shared caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass
class Survey:
    """What a live link opens: the occasion, its questionnaire and wording."""

    token: str
    occasion: Occasion
    loaded: LoadedQuestionnaire
    items: list[Item]
    display: display.Display
    language: str

    @property
    def response(self) -> Response | None:
        return self.occasion.response

    @property
    def languages(self) -> list[str]:
        return self.loaded.definition.languages

    def position(self, item: Item) -> int:
        return self.items.index(item)

    def item(self, item_id: str) -> Item:
        item = next((item for item in self.items if item.id == item_id), None)
        if item is None:
            abort(404)
        return item

    def url_after(self, item: Item, returning: bool = False) -> str:
        index = self.position(item)
        if returning or index + 1 == len(self.items):
            return url_for(".send", token=self.token)
        return url_for(".question", token=self.token, item_id=self.items[index + 1].id)

    def url_before(self, item: Item, returning: bool = False) -> str:
        index = self.position(item)
        if returning:
            return url_for(".send", token=self.token)
        if index == 0:
            return url_for(".start", token=self.token)
        return url_for(".question", token=self.token, item_id=self.items[index - 1].id)

    def resume_url(self) -> str:
        item = responses.first_unanswered(self.response, self.items)
        if item is None:
            return url_for(".send", token=self.token)
        return url_for(".question", token=self.token, item_id=item.id)


def _initial_display(occasion: Occasion) -> display.Display:
    """How the questionnaire first shows: as last answered, else as enrolled."""
    participant = occasion.participant
    if occasion.response is not None:
        language = occasion.response.language
        return display.Display(
            language=display.base_language(language),
            easy_read=language.endswith(display.EASY_READ_SUFFIX),
        )
    return display.Display(
        language=participant.language, easy_read=participant.prefers_easy_read
    )


def _end_idle_tablet(occasion: Occasion | None, now: datetime) -> None:
    """Nobody has touched the tablet for too long: its link dies, so the next person
    (or Back in the browser) sees nothing; a coach can give a new link to resume."""
    if occasion is not None:
        links.revoke(occasion)
        db.session.commit()
    tablet_session.hand_back(now)


def open_survey(token: str) -> Survey:
    now = clock.now()
    occasion = links.resolve(token, now)
    if occasion is None:
        abort(404)
    on_tablet = tablet_session.current()
    if on_tablet is not None and on_tablet.occasion_id == occasion.id:
        if on_tablet.is_idle(now):
            _end_idle_tablet(occasion, now)
            abort(redirect(url_for(".give_back")))
        tablet_session.touch(now)
    loaded = responses.questionnaire_for(occasion, current_app.extensions["questionnaires"])
    shown = display.for_occasion(occasion.id, _initial_display(occasion))
    language = shown.text_language(loaded.definition)
    use_participant_language(language)
    return Survey(token, occasion, loaded, responses.items_for(occasion, loaded), shown, language)


def _response_mode() -> ResponseMode:
    return ResponseMode.KIOSK if tablet_session.is_on_tablet() else ResponseMode.SELF


def _saved_value(answer: Answer | None) -> str | None:
    if answer is None:
        return None
    if answer.missing_reason is not None:
        return None if answer.missing_reason.value == "skipped" else answer.missing_reason.value
    return answer.text if answer.text is not None else str(answer.value)


@bp.context_processor
def display_choices() -> dict[str, object]:
    """What the language and easy-read switches on every participant page offer,
    and the idle timer of a shared tablet."""
    catalogue = current_app.extensions["questionnaires"]
    available = catalogue.latest(responses.DEFAULT_QUESTIONNAIRE).definition.languages
    on_tablet = tablet_session.current()
    config = current_app.config
    return {
        "default_languages": available,
        "base_languages": display.base_languages,
        "language_name": display.language_name,
        "text_direction": display.text_direction,
        "shown_display": display.current() or display.Display(),
        "tablet": {
            "idle_seconds": config["TABLET_IDLE_SECONDS"],
            "warning_seconds": config["TABLET_IDLE_WARNING_SECONDS"],
        } if on_tablet is not None and on_tablet.occasion_id is not None else None,
    }


@bp.get("/<token>")
def start(token: str) -> str | WerkzeugResponse:
    survey = open_survey(token)
    if survey.response is not None and survey.response.answers:
        return redirect(survey.resume_url())
    first = url_for(".question", token=token, item_id=survey.items[0].id)
    return render_template("participant/welcome.html", survey=survey, first_url=first)


@bp.route("/<token>/q/<item_id>", methods=["GET", "POST"])
def question(token: str, item_id: str) -> str | WerkzeugResponse:
    survey = open_survey(token)
    item = survey.item(item_id)
    returning = request.args.get("return") == RETURN_TO_REVIEW
    saved = survey.response.answers_by_item().get(item.id) if survey.response else None
    form: QuestionForm = question_form(
        item, survey.loaded.definition, survey.language, _saved_value(saved)
    )
    pictograms = {
        str(option.value): option.pictogram
        for option in item.question_type.options(item, survey.loaded.definition)
        if option.pictogram
    }
    if form.validate_on_submit():
        now = clock.now()
        response = responses.get_or_start(
            survey.occasion, survey.loaded, survey.language, _response_mode(), now
        )
        try:
            responses.save_answer(
                response, survey.loaded, item, form.answer.data, now, survey.language
            )
        except InvalidAnswer as error:
            db.session.rollback()
            form.answer.errors = [INVALID_ANSWER_MESSAGES[error.reason]()]
        else:
            db.session.commit()
            return redirect(survey.url_after(item, returning))
    return render_template(
        "participant/question.html",
        survey=survey,
        item=item,
        form=form,
        number=survey.position(item) + 1,
        back_url=survey.url_before(item, returning),
        audio_url=(
            url_for(".audio", token=token, item_id=item.id)
            if item.audio and survey.language in item.audio else None
        ),
        has_pictograms=bool(pictograms),
        pictograms=pictograms if survey.display.pictograms else {},
    )


@bp.get("/<token>/q/<item_id>/audio")
def audio(token: str, item_id: str) -> WerkzeugResponse:
    """The recording of a question in the language shown, when the questionnaire has one."""
    survey = open_survey(token)
    item = survey.item(item_id)
    name = (item.audio or {}).get(survey.language)
    if name is None:
        abort(404)
    return send_from_directory(survey.loaded.audio_directory, name, max_age=0)


@bp.route("/<token>/send", methods=["GET", "POST"])
def send(token: str) -> str | WerkzeugResponse:
    occasion = links.lookup(token)
    if request.method == "POST" and occasion is not None and occasion.is_submitted:
        # A second press on Send after the first went through: the answers are safe.
        return redirect(url_for(".thanks"))
    survey = open_survey(token)
    if responses.first_unanswered(survey.response, survey.items) is not None:
        return redirect(survey.resume_url())
    form = SendForm()
    if form.validate_on_submit():
        assert survey.response is not None  # noqa: S101 - every item is answered
        try:
            responses.submit(survey.response, survey.loaded, survey.items, clock.now())
        except ServiceError:
            db.session.rollback()
            return redirect(survey.resume_url())
        db.session.commit()
        if tablet_session.is_on_tablet():
            tablet_session.hand_back(clock.now())
        return redirect(url_for(".thanks"))
    assert survey.response is not None  # noqa: S101 - every item is answered
    return render_template(
        "participant/send.html",
        survey=survey,
        form=form,
        review=responses.review(survey.response, survey.loaded, survey.items, survey.language),
        back_url=url_for(".question", token=token, item_id=survey.items[-1].id),
    )


@bp.get("/thanks")
def thanks() -> str:
    display.apply_outside_questionnaire()
    return render_template(
        "participant/thanks.html", on_shared_tablet=tablet_session.is_on_tablet()
    )


@bp.post("/display")
def change_display() -> WerkzeugResponse:
    """Switch language, easy-read or pictures; the page comes back as it was, answers kept."""
    form = DisplayForm(offered=display.base_languages(_offered_languages()))
    if not form.validate_on_submit():
        abort(400)
    shown = display.current() or display.Display()
    display.remember(shown.changed(
        form.language.data or None, form.easy_read_choice(), form.pictograms_choice()
    ))
    return redirect(form.next.data)


def _offered_languages() -> list[str]:
    catalogue = current_app.extensions["questionnaires"]
    return sorted({language for loaded in catalogue for language in loaded.definition.languages})


@bp.get("/help")
def help_page() -> str:
    display.apply_outside_questionnaire()
    return render_template(
        "participant/help.html", back_url=safe_return_path(request.args.get("next"))
    )


@bp.get("/accessibility")
def accessibility() -> str:
    display.apply_outside_questionnaire()
    return render_template(
        "participant/accessibility.html",
        back_url=safe_return_path(request.args.get("next")),
        owner=current_app.config["SERVICE_OWNER"],
        contact=current_app.config["ACCESSIBILITY_EMAIL"],
    )


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["TABLET_CODE_RATE_LIMIT"],
    deduct_when=lambda response: response.status_code == 422,
)
def tablet_code() -> tuple[str, int] | str | WerkzeugResponse:
    """A participant types the code their coach gave them, on a shared tablet."""
    display.apply_outside_questionnaire()
    form = TabletCodeForm()
    if form.validate_on_submit():
        now = clock.now()
        opened = tablet.redeem(form.code.data, now)
        db.session.commit()
        if opened is not None:
            occasion, token = opened
            chosen_here = display.current()
            tablet_session.begin(occasion.id, now)
            if chosen_here is not None:  # e.g. switched to Arabic before typing the code
                display.remember(replace(chosen_here, occasion_id=occasion.id))
            return redirect(url_for(".start", token=token))
        form.code.errors = [_("The code does not work. Check the numbers, or ask your coach.")]
    if form.errors:
        return render_template("participant/tablet_code.html", form=form), 422
    return render_template("participant/tablet_code.html", form=form)


@bp.get("/tablet")
def give_back() -> str:
    """The neutral screen a shared tablet rests on between participants."""
    on_tablet = tablet_session.current()
    now = clock.now()
    if on_tablet is not None and on_tablet.occasion_id is not None and on_tablet.is_idle(now):
        _end_idle_tablet(db.session.get(Occasion, on_tablet.occasion_id), now)
    display.apply_outside_questionnaire()
    return render_template("participant/give_back.html")


@bp.post("/tablet/leave")
def leave_tablet() -> WerkzeugResponse:
    """The idle warning went unanswered: the browser ends the tablet session itself, so
    the link dies whether or not the server's clock has reached the idle limit yet
    (the warning's reply may have reached it a moment after it was given)."""
    on_tablet = tablet_session.current()
    if on_tablet is not None and on_tablet.occasion_id is not None:
        _end_idle_tablet(db.session.get(Occasion, on_tablet.occasion_id), clock.now())
    return redirect(url_for(".give_back"), 303)


@bp.post("/tablet/still-here")
def still_here() -> tuple[str, int]:
    """The participant answered the idle warning: the tablet session lives on."""
    tablet_session.touch(clock.now())
    return "", 204

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from questionnaires import InvalidAnswer, Item, LoadedQuestionnaire
from survey_app.access import KIOSK_SESSION_KEY
from survey_app.extensions import db, limiter
from survey_app.i18n import use_participant_language
from survey_app.models import Answer, Occasion, Response, ResponseMode
from survey_app.participant import bp
from survey_app.participant.forms import QuestionForm, SendForm, question_form
from survey_app.services import ServiceError, clock, links, responses

INVALID_ANSWER_MESSAGES = {
    "required": lambda: _("Choose an answer."),
    "not_an_option": lambda: _("Choose one of the answers."),
    "too_long": lambda: _("Write a shorter answer."),
}


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
    language: str

    @property
    def response(self) -> Response | None:
        return self.occasion.response

    def position(self, item: Item) -> int:
        return self.items.index(item)

    def item(self, item_id: str) -> Item:
        item = next((item for item in self.items if item.id == item_id), None)
        if item is None:
            abort(404)
        return item

    def url_after(self, item: Item) -> str:
        index = self.position(item)
        if index + 1 < len(self.items):
            return url_for(".question", token=self.token, item_id=self.items[index + 1].id)
        return url_for(".send", token=self.token)

    def url_before(self, item: Item) -> str:
        index = self.position(item)
        if index == 0:
            return url_for(".start", token=self.token)
        return url_for(".question", token=self.token, item_id=self.items[index - 1].id)

    def resume_url(self) -> str:
        item = responses.first_unanswered(self.response, self.items)
        if item is None:
            return url_for(".send", token=self.token)
        return url_for(".question", token=self.token, item_id=item.id)


def open_survey(token: str) -> Survey:
    occasion = links.resolve(token, clock.now())
    if occasion is None:
        abort(404)
    loaded = responses.questionnaire_for(occasion, current_app.extensions["questionnaires"])
    language = (
        occasion.response.language
        if occasion.response is not None
        else responses.text_language(loaded, occasion.participant)
    )
    use_participant_language(language)
    return Survey(token, occasion, loaded, responses.items_for(occasion, loaded), language)


def _saved_value(answer: Answer | None) -> str | None:
    if answer is None:
        return None
    if answer.missing_reason is not None:
        return None if answer.missing_reason.value == "skipped" else answer.missing_reason.value
    return answer.text if answer.text is not None else str(answer.value)


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
    saved = survey.response.answers_by_item().get(item.id) if survey.response else None
    form: QuestionForm = question_form(
        item, survey.loaded.definition, survey.language, _saved_value(saved)
    )
    if form.validate_on_submit():
        now = clock.now()
        response = responses.get_or_start(
            survey.occasion, survey.loaded, survey.language, ResponseMode.SELF, now
        )
        try:
            responses.save_answer(response, survey.loaded, item, form.answer.data, now)
        except InvalidAnswer as error:
            db.session.rollback()
            form.answer.errors = [INVALID_ANSWER_MESSAGES[error.reason]()]
        else:
            db.session.commit()
            return redirect(survey.url_after(item))
    return render_template(
        "participant/question.html",
        survey=survey,
        item=item,
        form=form,
        number=survey.position(item) + 1,
        back_url=survey.url_before(item),
    )


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
            responses.submit(survey.response, survey.items, clock.now())
        except ServiceError:
            db.session.rollback()
            return redirect(survey.resume_url())
        db.session.commit()
        return redirect(url_for(".thanks"))
    return render_template(
        "participant/send.html",
        survey=survey,
        form=form,
        back_url=url_for(".question", token=token, item_id=survey.items[-1].id),
    )


@bp.get("/thanks")
def thanks() -> str:
    use_participant_language()
    return render_template(
        "participant/thanks.html", on_shared_tablet=session.get(KIOSK_SESSION_KEY)
    )


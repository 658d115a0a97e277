from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.access import get_organisation_or_404, get_participant_or_404
from survey_app.coach import bp
from survey_app.coach.forms import (
    CaseloadFilterForm,
    DetailsForm,
    EnrolForm,
    EraseForm,
    ExitForm,
)
from survey_app.coach.progress_chart import progress_chart
from survey_app.extensions import db
from survey_app.form_actions import REFUSED, carry_out
from survey_app.forms import ActionForm
from survey_app.models import Occasion, Participant
from survey_app.participant import tablet_session
from survey_app.services import (
    ServiceError,
    audit,
    caseload,
    clock,
    enrolment,
    invitations,
    links,
    organisations,
    schedule,
    tablet,
)


@bp.get("/", endpoint="caseload")
def caseload_page() -> str:
    scope = organisations.subtree(current_user.organisation)
    form = CaseloadFilterForm(request.args, organisations=scope)
    form.validate()
    today = clock.today()
    return render_template(
        "coach/caseload.html", form=form, week=caseload.week_of(today),
        caseload=caseload.caseload(current_user, today, form.filters),
    )


@bp.route("/participants/new", methods=["GET", "POST"])
def enrol() -> str | WerkzeugResponse:
    scope = organisations.subtree(current_user.organisation)
    form = EnrolForm(organisations=scope)
    if request.method == "GET":
        form.consented_on.data = clock.today()
    if form.validate_on_submit():
        organisation = get_organisation_or_404(form.organisation.data, current_user)
        participant = carry_out(form, lambda: enrolment.enrol(
            code=form.code.data or "",
            gender=form.gender_value,
            birth_year=form.birth_year.data or 0,
            organisation=organisation,
            language=form.language.data or "sv",
            prefers_easy_read=bool(form.prefers_easy_read.data),
            coach=current_user,
            today=clock.today(),
            consent=enrolment.Consent(bool(form.consent.data), form.consented_on.data),
            circumstances=form.circumstances,
            email=form.email.data,
        ), default_field="code")
        if participant is not REFUSED:
            return redirect(url_for(".participant", participant_id=participant.id))
    return render_template(
        "coach/enrol.html", form=form, consent_template=consent_template(enrolment.CONSENT_VERSION)
    )


def consent_template(version: str) -> str:
    return f"coach/consent/{version}.html"


@bp.get("/participants/<int:participant_id>")
def participant(participant_id: int) -> str:
    person = get_participant_or_404(participant_id, current_user)
    audit.record(current_user, "view_participant", person)
    db.session.commit()
    return _participant_page(person)


def _participant_page(person: Participant) -> str:
    today = clock.today()
    return render_template(
        "coach/participant.html",
        participant=person,
        plan=schedule.plan(person, today),
        current=schedule.current(person, today),
        chart=progress_chart(person),
        form=ActionForm(),
    )


def _fresh_link(
    person: Participant, action: str, make: Callable[..., tuple[Occasion, str]] | None = None,
) -> tuple[Occasion, str] | WerkzeugResponse:
    """A new way in to the open occasion, audited as ``action``; or back to the page.

    ``make(person, now, today)`` gives the occasion and its secret (a link token by
    default); the secret exists only in this response, never stored in clear.
    """
    back = redirect(url_for(".participant", participant_id=person.id))
    if not ActionForm().validate_on_submit():
        return back
    try:
        occasion, secret = (make or invitations.fresh_link)(person, clock.now(), clock.today())
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message))
        return back
    audit.record(current_user, action, occasion)
    db.session.commit()
    return occasion, secret


@bp.post("/participants/<int:participant_id>/link")
def issue_link(participant_id: int) -> str | WerkzeugResponse:
    person = get_participant_or_404(participant_id, current_user)
    fresh = _fresh_link(person, "issue_link")
    if not isinstance(fresh, tuple):
        return fresh
    occasion, token = fresh
    url = links.survey_url(current_app.config["BASE_URL"], token)
    # The token exists only in this response: it is never stored in clear.
    return render_template(
        "coach/link.html", participant=person, occasion=occasion, url=url,
        qr_svg=links.qr_svg(url), title=_("Survey link"),
    )


@bp.post("/participants/<int:participant_id>/email")
def email_link(participant_id: int) -> WerkzeugResponse:
    person = get_participant_or_404(participant_id, current_user)
    if ActionForm().validate_on_submit():
        try:
            invitations.email_link(person, current_user, clock.now(), clock.today())
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The link has been sent by e-mail."))
    return redirect(url_for(".participant", participant_id=person.id))


@bp.post("/participants/<int:participant_id>/tablet")
def start_on_tablet(participant_id: int) -> WerkzeugResponse:
    """Hand this device to the participant: the coach is logged out first, so nothing
    of the coach's pages can be reached from the participant's questionnaire."""
    person = get_participant_or_404(participant_id, current_user)
    fresh = _fresh_link(person, "start_on_tablet")
    if not isinstance(fresh, tuple):
        return fresh
    occasion, token = fresh
    logout_user()
    tablet_session.begin(occasion.id, clock.now())
    return redirect(url_for("participant.start", token=token))


@bp.post("/participants/<int:participant_id>/tablet-code")
def tablet_code(participant_id: int) -> str | WerkzeugResponse:
    """A one-time code the participant types on a shared tablet (at /s/code)."""
    person = get_participant_or_404(participant_id, current_user)
    minutes = current_app.config["TABLET_CODE_MINUTES"]
    fresh = _fresh_link(person, "issue_tablet_code", partial(
        tablet.issue_code, lifetime=timedelta(minutes=minutes)))
    if not isinstance(fresh, tuple):
        return fresh
    _occasion, code = fresh
    return render_template(
        "coach/tablet_code.html", participant=person, code=tablet.format_code(code),
        minutes=minutes,
        entry_url=current_app.config["BASE_URL"] + url_for("participant.tablet_code"),
    )


@bp.route("/participants/<int:participant_id>/details", methods=["GET", "POST"])
def edit_details(participant_id: int) -> str | WerkzeugResponse:
    person = get_participant_or_404(participant_id, current_user)
    form = DetailsForm(obj=person)
    if form.validate_on_submit():
        changed = carry_out(form, lambda: enrolment.update_details(
            person, email=form.email.data, language=form.language.data or "sv",
            prefers_easy_read=bool(form.prefers_easy_read.data), actor=current_user,
        ), default_field="email")
        if changed is not REFUSED:
            flash(_("Saved."))
            return redirect(url_for(".participant", participant_id=person.id))
    return render_template("coach/details.html", participant=person, form=form)


@bp.route("/participants/<int:participant_id>/exit", methods=["GET", "POST"])
def record_exit(participant_id: int) -> str | WerkzeugResponse:
    person = get_participant_or_404(participant_id, current_user)
    if person.has_exited:
        flash(_("The exit is already recorded."))
        return redirect(url_for(".participant", participant_id=person.id))
    form = ExitForm()
    if request.method == "GET":
        form.exited_on.data = clock.today()
    if form.validate_on_submit():
        occasion = carry_out(form, lambda: enrolment.record_exit(
            person, exited_on=form.exited_on.data, outcome=form.outcome_value,
            circumstances=form.circumstances, actor=current_user, today=clock.today(),
        ), default_field="exited_on")
        if occasion is not REFUSED:
            flash(_("The exit is recorded. The exit questionnaire can be answered now."))
            return redirect(url_for(".participant", participant_id=person.id))
    return render_template("coach/exit.html", participant=person, form=form)


@bp.route("/participants/<int:participant_id>/erase", methods=["GET", "POST"])
def erase(participant_id: int) -> str | WerkzeugResponse:
    person = get_participant_or_404(participant_id, current_user)
    policy = enrolment.ErasurePolicy(current_app.config["ERASURE_POLICY"])
    form = EraseForm()
    if form.validate_on_submit():
        if (form.confirm_code.data or "").strip() != person.code:
            form.confirm_code.errors.append(
                _("Type the code exactly as shown: %(code)s.", code=person.code)
            )
        else:
            enrolment.erase(person, policy, current_user, clock.now())
            db.session.commit()
            flash(_("The participant has been erased."))
            return redirect(url_for(".caseload"))
    return render_template("coach/erase.html", participant=person, form=form, policy=policy)

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.access import get_participant_or_404
from survey_app.coach import bp
from survey_app.coach.forms import EnrolForm, IssueLinkForm
from survey_app.extensions import db
from survey_app.models import Organisation, Participant
from survey_app.services import (
    ServiceError,
    audit,
    clock,
    enrolment,
    links,
    organisations,
    schedule,
)


@bp.get("/")
def caseload() -> str:
    participants = db.session.scalars(
        sa.select(Participant)
        .join(Participant.organisation)
        .where(organisations.subtree_clause(current_user.organisation))
        .order_by(Participant.enrolled_on.desc(), Participant.code)
    ).all()
    today = clock.today()
    rows = [(participant, schedule.current(participant, today)) for participant in participants]
    return render_template("coach/caseload.html", rows=rows)


@bp.route("/participants/new", methods=["GET", "POST"])
def enrol() -> str | WerkzeugResponse:
    scope = organisations.subtree(current_user.organisation)
    form = EnrolForm(organisations=scope)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation.data)
        try:
            participant = enrolment.enrol(
                code=form.code.data or "",
                gender=form.gender_value,
                birth_year=form.birth_year.data or 0,
                organisation=organisation,
                language=form.language.data or "sv",
                prefers_easy_read=bool(form.prefers_easy_read.data),
                coach=current_user,
                today=clock.today(),
            )
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "code").errors.append(str(error.message))
        else:
            db.session.commit()
            return redirect(url_for(".participant", participant_id=participant.id))
    return render_template("coach/enrol.html", form=form)


@bp.get("/participants/<int:participant_id>")
def participant(participant_id: int) -> str:
    person = get_participant_or_404(participant_id, current_user)
    audit.record(current_user, "view_participant", person)
    db.session.commit()
    today = clock.today()
    return render_template(
        "coach/participant.html",
        participant=person,
        plan=schedule.plan(person, today),
        current=schedule.current(person, today),
        form=IssueLinkForm(),
    )


@bp.post("/participants/<int:participant_id>/link")
def issue_link(participant_id: int) -> str | WerkzeugResponse:
    person = get_participant_or_404(participant_id, current_user)
    form = IssueLinkForm()
    planned = schedule.current(person, clock.today())
    if not form.validate_on_submit() or planned is None:
        return redirect(url_for(".participant", participant_id=person.id))
    occasion = schedule.ensure_stored(person, planned)
    token = links.issue(
        occasion, clock.now(), timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])
    )
    audit.record(current_user, "issue_link", occasion)
    db.session.commit()
    url = links.survey_url(current_app.config["BASE_URL"], token)
    # The token exists only in this response: it is never stored in clear.
    return render_template(
        "coach/link.html", participant=person, occasion=occasion, url=url,
        qr_svg=links.qr_svg(url), title=_("Survey link"),
    )

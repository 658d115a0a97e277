from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.admin import bp
from survey_app.admin.forms import OrganisationForm
from survey_app.extensions import db
from survey_app.models import User
from survey_app.services import ServiceError, audit, organisations


def _render(form: OrganisationForm) -> str:
    scope = organisations.subtree(current_user.organisation)
    staff = db.session.scalars(
        sa.select(User)
        .join(User.organisation)
        .where(organisations.subtree_clause(current_user.organisation))
        .order_by(User.email)
    ).all()
    return render_template("admin/index.html", organisations=scope, users=staff, form=form)


@bp.get("/")
def index() -> str:
    return _render(OrganisationForm())


@bp.post("/organisations")
def add_organisation() -> str | WerkzeugResponse:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = organisations.add_below(current_user.organisation, form.path.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.path.errors.append(str(error.message))
        else:
            audit.record(current_user, "add_organisation", organisation, path=organisation.path)
            db.session.commit()
            flash(_("Added %(path)s.", path=organisation.path))
            return redirect(url_for(".index"))
    return _render(form)

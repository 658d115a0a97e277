from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.auth import bp
from survey_app.auth.forms import ChangePasswordForm, LoginForm
from survey_app.extensions import db, limiter
from survey_app.form_actions import REFUSED, carry_out
from survey_app.models import Role, User
from survey_app.services import audit, users

HOME_BY_ROLE = {
    Role.COACH: "coach.caseload",
    Role.EVALUATOR: "evaluator.report",
    Role.ADMIN: "admin.index",
}


def home_url(user: User) -> str:
    if user.must_change_password:
        return url_for("auth.change_password")
    return url_for(HOME_BY_ROLE[user.role])


@bp.get("/")
def index() -> WerkzeugResponse:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> str | WerkzeugResponse:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            db.session.commit()
            login_user(user)
            return redirect(home_url(user))
        form.email.errors.append(_("The e-mail address or the password is wrong."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | WerkzeugResponse:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        def change() -> None:
            users.change_password(current_user, form.current.data or "", form.password.data or "")
            audit.record(current_user, "change_password", current_user)

        if carry_out(form, change, default_field="password") is not REFUSED:
            flash(_("Your password is changed."))
            return redirect(home_url(current_user))
    return render_template("auth/change_password.html", form=form)

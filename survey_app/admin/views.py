from __future__ import annotations

import io

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.access import get_api_token_or_404, get_organisation_or_404, get_user_or_404
from survey_app.admin import bp
from survey_app.admin.forms import (
    AuditFilterForm,
    EditUserForm,
    NewUserForm,
    OrganisationForm,
    PaperImportForm,
    PreviewLanguageForm,
    RenameOrganisationForm,
    TargetsYamlForm,
    goals_form,
)
from survey_app.extensions import db
from survey_app.form_actions import REFUSED, carry_out
from survey_app.forms import ActionForm, AppForm
from survey_app.i18n import current_language
from survey_app.models import Organisation, User
from survey_app.participant.display import base_language, text_direction
from survey_app.services import (
    api_tokens,
    audit,
    clock,
    organisations,
    paper_import,
    questionnaire_versions,
    targets,
    users,
)
from survey_app.services.table_files import MEDIA_TYPES, FileFormat
from survey_app.uploads import accepts_upload

AUDIT_PAGE_SIZE = 50
LAST_AUDIT_PAGE = 1_000_000


def _staff() -> list[User]:
    return list(db.session.scalars(
        sa.select(User)
        .join(User.organisation)
        .where(organisations.subtree_clause(current_user.organisation))
        .order_by(User.email)
    ))


def _render(form: OrganisationForm) -> str:
    scope = organisations.subtree(current_user.organisation)
    return render_template("admin/index.html", organisations=scope, users=_staff(), form=form)


@bp.get("/")
def index() -> str:
    return _render(OrganisationForm())


@bp.post("/organisations")
def add_organisation() -> str | WerkzeugResponse:
    form = OrganisationForm()
    if form.validate_on_submit():
        def add() -> organisations.Added:
            added = organisations.add_below(current_user.organisation, form.path.data or "")
            for organisation in added.created:
                audit.record(current_user, "add_organisation", organisation,
                             path=organisation.path)
            return added

        added = carry_out(form, add, default_field="path")
        if added is not REFUSED:
            path = added.organisation.path
            if added.created:
                flash(_("Added %(path)s.", path=path))
            else:
                flash(_("%(path)s is already there: nothing was added.", path=path))
            return redirect(url_for(".index"))
    return _render(form)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def rename_organisation(organisation_id: int) -> str | WerkzeugResponse:
    organisation = get_organisation_or_404(organisation_id, current_user)
    form = RenameOrganisationForm(data={"name": organisation.name})
    # Renaming one's own top node would change what the admin's own scope is called
    # for everyone above; that is for an admin higher up.
    if organisation.id == current_user.organisation_id:
        flash(_("Your own organisation is renamed by an administrator above it."), "error")
        return redirect(url_for(".index"))
    if form.validate_on_submit():
        def rename() -> None:
            old_path = organisation.path
            organisations.rename(organisation, form.name.data or "")
            audit.record(current_user, "rename_organisation", organisation,
                         old_path=old_path, new_path=organisation.path)

        if carry_out(form, rename, default_field="name") is not REFUSED:
            flash(_("Renamed to %(path)s.", path=organisation.path))
            return redirect(url_for(".index"))
    return render_template("admin/organisation.html", organisation=organisation, form=form)


def _targets_page(organisation: Organisation, goals: AppForm, yaml_form: TargetsYamlForm) -> str:
    definitions, set_on = targets.targets_for(organisation)
    return render_template(
        "admin/targets.html", organisation=organisation, definitions=definitions, set_on=set_on,
        goals=goals, yaml_form=yaml_form, yaml_text=targets.to_yaml(definitions),
        # The layout marks the title "Error:" when the page's form has errors.
        form=goals if goals.errors else yaml_form,
        inherit_form=ActionForm(),
    )


def _goals_form(organisation: Organisation) -> tuple[list[targets.TargetDefinition], AppForm]:
    definitions, _set_on = targets.targets_for(organisation)
    labels = [targets.current_label(d) for d in definitions]
    return definitions, goals_form(definitions, labels)()


@bp.route("/organisations/<int:organisation_id>/targets", methods=["GET", "POST"])
def edit_targets(organisation_id: int) -> str | WerkzeugResponse:
    """Goals per target; saving them gives the organisation targets of its own."""
    organisation = get_organisation_or_404(organisation_id, current_user)
    definitions, form = _goals_form(organisation)
    if form.validate_on_submit():
        def save() -> None:
            changed = [
                d.model_copy(update={"goal": form[f"goal_{d.id}"].data / 100})
                for d in definitions
            ]
            targets.set_targets(organisation, changed)
            audit.record(current_user, "set_targets", organisation,
                         goals={d.id: d.goal for d in changed})

        if carry_out(form, save, default_field=f"goal_{definitions[0].id}") is not REFUSED:
            flash(_("Saved the targets of %(path)s.", path=organisation.path))
            return redirect(url_for(".edit_targets", organisation_id=organisation.id))
    return _targets_page(organisation, form, TargetsYamlForm())


@bp.post("/organisations/<int:organisation_id>/targets/yaml")
def replace_targets(organisation_id: int) -> str | WerkzeugResponse:
    organisation = get_organisation_or_404(organisation_id, current_user)
    form = TargetsYamlForm()
    if form.validate_on_submit():
        def replace() -> None:
            definitions = targets.parse_yaml(form.yaml_text.data or "")
            targets.set_targets(organisation, definitions)
            audit.record(current_user, "set_targets", organisation,
                         targets=[d.id for d in definitions])

        if carry_out(form, replace, default_field="yaml_text") is not REFUSED:
            flash(_("Saved the targets of %(path)s.", path=organisation.path))
            return redirect(url_for(".edit_targets", organisation_id=organisation.id))
    return _targets_page(organisation, _goals_form(organisation)[1], form)


@bp.post("/organisations/<int:organisation_id>/targets/inherit")
def inherit_targets(organisation_id: int) -> WerkzeugResponse:
    organisation = get_organisation_or_404(organisation_id, current_user)
    if ActionForm().validate_on_submit():
        targets.set_targets(organisation, [])
        audit.record(current_user, "set_targets", organisation, targets=[])
        db.session.commit()
        flash(_("%(path)s now uses the targets above it.", path=organisation.path))
    return redirect(url_for(".edit_targets", organisation_id=organisation.id))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> str | WerkzeugResponse:
    form = NewUserForm(organisations=organisations.subtree(current_user.organisation))
    if form.validate_on_submit():
        organisation = get_organisation_or_404(form.organisation.data, current_user)
        password = users.temporary_password()

        def create() -> User:
            user = users.create_user(
                form.email.data or "", password, form.role_value, organisation,
                form.name.data or "", must_change_password=True,
            )
            audit.record(current_user, "create_user", user, role=user.role.value)
            return user

        user = carry_out(form, create, default_field="email")
        if user is not REFUSED:
            return render_template("admin/password.html", user=user, password=password)
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> str | WerkzeugResponse:
    user = get_user_or_404(user_id, current_user)
    form = EditUserForm(
        organisations=organisations.subtree(current_user.organisation),
        data={"role": user.role.value, "organisation": user.organisation_id,
              "is_active": user.is_active, "may_export_rows": user.may_export_rows},
    )
    if form.validate_on_submit():
        organisation = get_organisation_or_404(form.organisation.data, current_user)
        def update() -> None:
            changes = users.update_user(
                current_user, user, role=form.role_value, organisation=organisation,
                is_active=bool(form.is_active.data),
                may_export_rows=bool(form.may_export_rows.data),
            )
            # A grant or revocation is its own event, easy to find in the trail.
            if (granted := changes.pop("may_export_rows", None)) is not None:
                action = "grant_row_export" if granted[1] == "true" else "revoke_row_export"
                audit.record(current_user, action, user)
            if changes:
                audit.record(current_user, "change_user", user,
                             **{name: list(change) for name, change in changes.items()})

        if carry_out(form, update, default_field="role") is not REFUSED:
            flash(_("Saved %(email)s.", email=user.email))
            return redirect(url_for(".index"))
    return render_template("admin/user.html", user=user, form=form, reset_form=ActionForm(),
                           tokens=api_tokens.active(user, clock.now()),
                           revoke_url=lambda token: url_for(".revoke_api_token", user_id=user.id,
                                                            token_id=token.id))


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_api_token(user_id: int, token_id: int) -> WerkzeugResponse:
    """An administrator ends a user's API token, e.g. when they leave the project."""
    user = get_user_or_404(user_id, current_user)
    token = get_api_token_or_404(token_id, user)
    if ActionForm().validate_on_submit():
        api_tokens.revoke(token, current_user, clock.now())
        db.session.commit()
        flash(_("The token %(name)s is revoked. It no longer works.", name=token.name))
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-password")
def reset_password(user_id: int) -> str | WerkzeugResponse:
    user = get_user_or_404(user_id, current_user)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".edit_user", user_id=user.id))
    password = users.reset_password(user)
    audit.record(current_user, "reset_password", user)
    db.session.commit()
    return render_template("admin/password.html", user=user, password=password)


def _audit_page(query: sa.Select, wanted: int) -> Pagination:
    """Page ``wanted`` of the trail; past the end (an old link), the last page."""
    def numbered(number: int) -> Pagination:
        return db.paginate(query, page=number, per_page=AUDIT_PAGE_SIZE,
                           max_per_page=AUDIT_PAGE_SIZE, error_out=False)

    # Bounded first: far past the end, the OFFSET overflows PostgreSQL's bigint.
    page = numbered(min(max(wanted, 1), LAST_AUDIT_PAGE))
    if page.page > page.pages > 0:
        page = numbered(page.pages)
    return page


@bp.get("/audit")
def audit_events() -> str:
    staff = _staff()
    form = AuditFilterForm(request.args, actions=audit.actions_seen(current_user), actors=staff)
    valid = form.validate()
    filters = audit.AuditFilters(
        action=(form.action.data or None) if valid else None,
        actor_id=int(form.actor.data) if valid and form.actor.data else None,
        occurred_from=form.occurred_from.data if valid else None,
        occurred_to=form.occurred_to.data if valid else None,
    )
    page = _audit_page(audit.events_query(current_user, filters),
                       request.args.get("page", 1, type=int))
    other_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("admin/audit.html", form=form, page=page, other_args=other_args)


@bp.get("/questionnaires")
def questionnaires() -> str:
    """Every questionnaire version, the one new answers use, and how far each is used."""
    versions = questionnaire_versions.catalogue_use(current_app.extensions["questionnaires"],
                                                    current_user.organisation)
    return render_template("admin/questionnaires.html", versions=versions)


@bp.get("/questionnaires/<slug>/<int:version>")
def questionnaire(slug: str, version: int) -> tuple[str, int] | str:
    """One version's questions and answers as participants read them, in one language."""
    try:
        loaded = current_app.extensions["questionnaires"].get(slug, version)
    except KeyError:
        abort(404)
    languages = loaded.definition.languages
    form = PreviewLanguageForm(request.args, languages=languages)
    valid = form.validate()
    language = (form.language.data or languages[0]) if valid else languages[0]
    page = render_template("admin/questionnaire.html", loaded=loaded, form=form,
                           questions=questionnaire_versions.preview(loaded, language),
                           text_lang=base_language(language), text_dir=text_direction(language))
    return page if valid else (page, 400)


@bp.get("/import/template/<slug>/<int:version>.xlsx")
def paper_import_template(slug: str, version: int) -> WerkzeugResponse:
    """An empty workbook with the columns a questionnaire's paper forms are typed into."""
    try:
        loaded = current_app.extensions["questionnaires"].get(slug, version)
    except KeyError:
        abort(404)
    content = paper_import.template_workbook(loaded, current_language())
    return send_file(io.BytesIO(content), mimetype=MEDIA_TYPES[FileFormat.XLSX], as_attachment=True,
                     download_name=f"{slug}-{version}-paper.xlsx")


@bp.route("/import", methods=["GET", "POST"])
@accepts_upload(paper_import.MAX_BYTES + 64 * 1024)
def paper_import_page() -> tuple[str, int] | str:
    """Questionnaires answered on paper, checked whole and imported all or nothing."""
    catalogue = current_app.extensions["questionnaires"]
    form = PaperImportForm(questionnaires=[loaded.reference for loaded in catalogue])
    result = None
    if form.validate_on_submit():
        loaded = catalogue.by_reference(form.questionnaire.data or "")
        upload = form.file.data
        result = paper_import.import_file(
            upload.filename or "", upload.read(paper_import.MAX_BYTES + 1), loaded,
            current_user.organisation, current_user, clock.today(),
        )
        if result.ok:
            db.session.commit()
        else:
            db.session.rollback()
    page = render_template("admin/import.html", form=form, result=result,
                           questionnaires=catalogue,
                           filename=form.file.data.filename if result else None)
    return (page, 422) if result is not None and not result.ok else page

"""The ``survey-app`` command: Flask's own commands plus Stegvis' administration."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import IO, NoReturn

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from analysis.age import AGE_BAND_LABELS
from questionnaires import LoadedQuestionnaire
from survey_app.config import ensure_secret_key_file
from survey_app.evaluator.export import report_html
from survey_app.extensions import db
from survey_app.models import Gender, IncomeSource, Occupation, Organisation, Participant, Role
from survey_app.services import (
    ServiceError,
    audit,
    clock,
    demo,
    enrolment,
    invitations,
    links,
    organisations,
    paper_import,
    reporting,
    targets,
    users,
)
from survey_app.services.monthly_status import is_month, status_for
from survey_app.services.report_document import report_document
from survey_app.services.report_tables import report_tables
from survey_app.services.table_files import FileFormat, report_file, status_file


def _fail(message: object) -> NoReturn:
    db.session.rollback()
    raise click.ClickException(str(message))


def _organisation(path: str) -> Organisation:
    organisation = organisations.find(path)
    if organisation is None:
        _fail(f"No organisation {path!r}. Create it with: survey-app org add {path!r}")
    return organisation


@click.command("demo")
@click.option("--participants", default=250, show_default=True, type=click.IntRange(1, 20000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has data.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
@with_appcontext
def demo_command(participants: int, seed: int, if_empty: bool, today: object) -> None:
    """Load a synthetic demo project (refused on a database with real data)."""
    day: date = today.date() if today else clock.today()  # type: ignore[attr-defined]
    if if_empty and (demo.has_demo_data() or demo.holds_real_data()):
        click.echo("The database already has data; no demo data added.")
    else:
        try:
            count = demo.load(current_app.extensions["questionnaires"], participants, seed, day)
        except ServiceError as error:
            _fail(error.message)
        db.session.commit()
        click.echo(f"Loaded {count} demo participants (seed {seed}).")
    if demo.has_demo_data():
        click.echo("Demo logins:")
        for login in demo.DEMO_LOGINS:
            click.echo(f"  {login.role.value:<10} {login.email:<28} password: {login.password}")


@click.group("org")
def org_group() -> None:
    """Organisation tree: paths such as 'MIA/Östra Södertörn/Haninge'."""


@org_group.command("add")
@click.argument("path")
@with_appcontext
def org_add(path: str) -> None:
    """Create PATH and any missing parents."""
    try:
        organisation = organisations.add(path)
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(organisation.path)


@org_group.command("list")
@with_appcontext
def org_list() -> None:
    """Print every organisation path, one per line."""
    for organisation in organisations.all_organisations():
        click.echo(organisation.path)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--org", "org_path", required=True, help="Organisation path.")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(email: str, role: str, org_path: str, name: str, password_stdin: bool) -> None:
    """Create a staff user. The password comes from stdin or a hidden prompt."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = users.create_user(email, password, Role(role), _organisation(org_path), name)
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} in {user.organisation.path}.")


@click.command("enrol")
@click.option("--code", required=True, help="Pseudonymous participant code.")
@click.option("--gender", required=True, type=click.Choice([gender.value for gender in Gender]))
@click.option("--birth-year", required=True, type=int)
@click.option("--org", "org_path", required=True, help="Organisation path.")
@click.option("--language", default="sv", show_default=True, type=click.Choice(["sv", "en"]))
@click.option("--easy-read/--no-easy-read", default=True, show_default=True)
@click.option("--email", help="Address for survey links and reminders, if the participant wants.")
@click.option("--occupation", required=True, type=click.Choice([o.value for o in Occupation]),
              help="Main occupation at intake.")
@click.option("--income", required=True, type=click.Choice([i.value for i in IncomeSource]),
              help="Main source of income at intake.")
@click.option("--consented-on", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The day the participant consented (to consent text "
                   f"{enrolment.CONSENT_VERSION}). Nobody is enrolled without consent.")
@with_appcontext
def enrol_command(
    code: str, gender: str, birth_year: int, org_path: str, language: str, easy_read: bool,
    email: str | None, occupation: str, income: str, consented_on: datetime,
) -> None:
    """Enrol a participant; their intake is due at once."""
    try:
        participant = enrolment.enrol(
            code=code, gender=Gender(gender), birth_year=birth_year,
            organisation=_organisation(org_path), language=language,
            prefers_easy_read=easy_read, coach=None, today=clock.today(),
            consent=enrolment.Consent(True, consented_on.date()),
            circumstances=enrolment.Circumstances(Occupation(occupation), IncomeSource(income)),
            email=email,
        )
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"Enrolled {participant.code} in {participant.organisation.path}.")


@click.command("issue-link")
@click.argument("code")
@with_appcontext
def issue_link(code: str) -> None:
    """Print a fresh survey link for CODE's current occasion (the old link dies)."""
    participant = db.session.scalar(sa.select(Participant).where(Participant.code == code))
    if participant is None:
        _fail(f"No participant with code {code!r}.")
    try:
        _occasion, token = invitations.fresh_link(participant, clock.now(), clock.today())
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(links.survey_url(current_app.config["BASE_URL"], token))


@click.command("report")
@click.option("--scope", "scope_path", required=True, help="Organisation path.")
@click.option("--from", "enrolled_from", type=click.DateTime(["%Y-%m-%d"]),
              help="Only participants enrolled on or after this date.")
@click.option("--to", "enrolled_to", type=click.DateTime(["%Y-%m-%d"]),
              help="Only participants enrolled on or before this date.")
@click.option("--age-band", type=click.Choice(list(AGE_BAND_LABELS)),
              help="Only participants of this age at enrolment.")
@click.option("--questionnaire-version", type=int,
              help="Only answers given on this version of the questionnaire.")
@click.option("--format", "output_format",
              type=click.Choice(["json", "html", *(f.value for f in FileFormat)]),
              default="json", show_default=True,
              help="json: the documented document; html: one printable file; xlsx: a "
                   "workbook; csv, sav: a ZIP of one file per table (one file with --table).")
@click.option("--table", "table_name", help="Only this table (csv, xlsx, sav), e.g. targets.")
@click.option("--excel-sv", is_flag=True,
              help="CSV for Excel set to Swedish: ';' between fields and decimal commas.")
@click.option("--out", type=click.File("wb"), default="-",
              help="File to write; standard output by default.")
@with_appcontext
def report_command(
    scope_path: str, enrolled_from: datetime | None, enrolled_to: datetime | None,
    age_band: str | None, questionnaire_version: int | None, output_format: str,
    table_name: str | None, excel_sv: bool, out: IO[bytes],
) -> None:
    """Write the evaluator report for SCOPE (suppressed like the page)."""
    filters = reporting.ReportFilters(
        _organisation(scope_path),
        enrolled_from.date() if enrolled_from else None,
        enrolled_to.date() if enrolled_to else None,
        age_band=age_band,
        questionnaire_version=questionnaire_version,
    )
    report = reporting.report_for(filters)
    if output_format == "html":
        # Drawn here: starting worker processes would cost a one-off command more
        # than drawing its five charts side by side saves.
        html = report_html(report, filters, clock.today().isoformat(), chart_processes=0)
        out.write(html.encode())
    elif output_format == "json":
        document = report_document(report, filters)
        out.write((json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())
    else:
        exported = report_file(report, filters, clock.today(), FileFormat(output_format),
                               table_name, swedish_excel=excel_sv)
        if exported is None:
            names = ", ".join(table.name for table in report_tables(report))
            _fail(f"No table {table_name!r}; the tables are: {names}.")
        out.write(exported.content)


@click.command("monthly")
@click.option("--scope", "scope_path", required=True, help="Organisation path.")
@click.option("--month", required=True, help="The month, as YYYY-MM.")
@click.option("--format", "output_format", type=click.Choice([f.value for f in FileFormat]),
              default="csv", show_default=True)
@click.option("--excel-sv", is_flag=True,
              help="CSV for Excel set to Swedish: ';' between fields and decimal commas.")
@click.option("--out", type=click.File("wb"), default="-",
              help="File to write; standard output by default.")
@with_appcontext
def monthly_command(
    scope_path: str, month: str, output_format: str, excel_sv: bool, out: IO[bytes]
) -> None:
    """Write the monthly status (ESF lägesrapport) for SCOPE, suppressed like the page."""
    if not is_month(month):
        _fail(f"{month!r} is not a month: write it as YYYY-MM, like 2026-03.")
    scope = _organisation(scope_path)
    exported = status_file(status_for(scope, month), scope.path, clock.today(),
                           FileFormat(output_format), swedish_excel=excel_sv)
    out.write(exported.content)


def _questionnaire(reference: str) -> LoadedQuestionnaire:
    """"stegvis@1" from the catalogue, or a clear failure."""
    catalogue = current_app.extensions["questionnaires"]
    try:
        return catalogue.by_reference(reference)
    except KeyError:
        known = ", ".join(loaded.reference for loaded in catalogue)
        _fail(f"No questionnaire {reference!r}; there are: {known}.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--questionnaire", "reference", required=True,
              help="The questionnaire the paper forms were, as SLUG@VERSION, e.g. stegvis@1.")
@with_appcontext
def import_command(file: Path, reference: str) -> None:
    """Import questionnaires answered on paper from FILE (.csv or .xlsx), all or nothing."""
    loaded = _questionnaire(reference)
    result = paper_import.import_file(file.name, file.read_bytes(), loaded, None, None,
                                      clock.today())
    if not result.ok:
        db.session.rollback()
        for line in paper_import.problems_text(result.problems):
            click.echo(line, err=True)
        _fail(f"Nothing was imported: {len(result.problems)} problem(s) in {file.name}.")
    db.session.commit()
    click.echo(f"Imported {result.imported} questionnaire(s); "
               f"{result.already_there} were already there.")


@click.group("targets")
def targets_group() -> None:
    """Project targets, as YAML (see README)."""


@targets_group.command("show")
@click.option("--org", "org_path", required=True, help="Organisation path.")
@with_appcontext
def targets_show(org_path: str) -> None:
    """Print the targets that apply to ORG, as YAML that `targets set` reads."""
    definitions, set_on = targets.targets_for(_organisation(org_path))
    where = set_on.path if set_on else "Stegvis defaults"
    click.echo(f"# targets for {org_path}, set on: {where}")
    click.echo(targets.to_yaml(definitions), nl=False)


@targets_group.command("set")
@click.option("--org", "org_path", required=True, help="Organisation path.")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def targets_set(org_path: str, file: IO[str]) -> None:
    """Replace ORG's targets with those in FILE (YAML; '-' reads standard input)."""
    organisation = _organisation(org_path)
    try:
        definitions = targets.parse_yaml(file.read())
    except ServiceError as error:
        _fail(error.message)
    targets.set_targets(organisation, definitions)
    audit.record(None, "set_targets", organisation, targets=[d.id for d in definitions])
    db.session.commit()
    click.echo(f"Set {len(definitions)} target(s) on {organisation.path}.")


@targets_group.command("inherit")
@click.option("--org", "org_path", required=True, help="Organisation path.")
@with_appcontext
def targets_inherit(org_path: str) -> None:
    """Remove ORG's own targets, so those above it (or the defaults) apply."""
    organisation = _organisation(org_path)
    targets.set_targets(organisation, [])
    audit.record(None, "set_targets", organisation, targets=[])
    db.session.commit()
    click.echo(f"{organisation.path} now uses the targets above it.")


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """E-mail a fresh link to everyone due or overdue who has an address and has had
    no e-mail in the last week. Safe to run from cron every day."""
    now, today = clock.now(), clock.today()
    candidates = invitations.reminder_candidates(now, today)
    sent = failed = 0
    waiting = candidates.recently_emailed
    for participant_id in candidates.due:
        participant = db.session.get(Participant, participant_id)
        try:
            invitations.email_link(participant, None, now, today)
        except invitations.RecentlyEmailed:
            # Their coach e-mailed a link while this run was under way.
            db.session.rollback()
            waiting += 1
        except ServiceError:
            # The old link stays alive; tomorrow's run tries again.
            db.session.rollback()
            failed += 1
        else:
            # One commit per message: a crash halfway never sends anyone a second one.
            db.session.commit()
            sent += 1
    click.echo(f"Sent {sent} reminder(s); {waiting} waiting because "
               f"they had an e-mail in the last {current_app.config['REMINDER_INTERVAL_DAYS']} "
               f"days; {failed} failed.")
    if failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    for command in (
        demo_command, org_group, create_user, enrol_command, issue_link, report_command,
        send_reminders, targets_group, monthly_command, import_command,
    ):
        app.cli.add_command(command)


def _instance_path() -> str:
    return os.environ.get("STEGVIS_INSTANCE_PATH") or Flask("survey_app").instance_path


def command_group() -> FlaskGroup:
    """``survey-app``: Flask's commands (db, run, routes, shell) and Stegvis' own."""
    from survey_app import create_app

    return FlaskGroup(
        create_app=create_app,
        help="Stegvis administration. DATABASE_URL and SECRET_KEY apply to every command.",
    )


def main() -> None:
    """Entry point of ``survey-app``. On first run it creates ``instance/secret_key``."""
    if not os.environ.get("SECRET_KEY"):
        ensure_secret_key_file(_instance_path())
    command_group()(prog_name="survey-app")

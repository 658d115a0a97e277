"""The survey-app commands, run as a script would run them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from click.testing import CliRunner

from survey_app.cli import command_group, main
from survey_app.extensions import db
from survey_app.models import Participant, Role, User
from survey_app.services import demo, report_data, reporting, schedule, users
from tests.conftest import BASE_URL, make_participant

HANINGE = "MIA/Östra Södertörn/Haninge"


def test_org_add_creates_missing_parents_and_list_prints_paths(runner):
    result = runner.invoke(args=["org", "add", HANINGE])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["org", "add", "MIA/Östra Södertörn/Nynäshamn"]).exit_code == 0
    assert runner.invoke(args=["org", "add", HANINGE]).exit_code == 0  # already there: fine
    listed = runner.invoke(args=["org", "list"]).output.splitlines()
    assert listed == [
        "MIA", "MIA/Östra Södertörn", HANINGE, "MIA/Östra Södertörn/Nynäshamn",
    ]


def test_org_add_refuses_an_empty_name(runner):
    result = runner.invoke(args=["org", "add", "MIA//Haninge"])
    assert result.exit_code != 0
    assert "inget namn får vara tomt" in result.output
    assert runner.invoke(args=["org", "list"]).output == ""


def test_create_user_reads_the_password_from_stdin(app, runner):
    runner.invoke(args=["org", "add", "MIA"])
    result = runner.invoke(
        args=["create-user", "--email", "Anna@Example.se", "--role", "coach", "--org", "MIA",
              "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = users.authenticate("anna@example.se", "a long enough password")
    assert user is not None and user.role == Role.COACH
    assert user.password_hash.startswith("$argon2id$")


def test_create_user_refuses_bad_input_without_creating_anything(runner):
    runner.invoke(args=["org", "add", "MIA"])
    cases = [
        (["--email", "a@example.se", "--role", "coach", "--org", "MIA"], "short\n", "minst 12"),
        (["--email", "not-an-email", "--role", "coach", "--org", "MIA"], "x" * 20 + "\n",
         "giltig e-postadress"),
        (["--email", "a@example.se", "--role", "coach", "--org", "Nowhere"], "x" * 20 + "\n",
         "No organisation"),
        (["--email", "a@example.se", "--role", "superuser", "--org", "MIA"], "x" * 20 + "\n",
         "superuser"),
    ]
    for options, password, message in cases:
        result = runner.invoke(args=["create-user", *options, "--password-stdin"], input=password)
        assert result.exit_code != 0
        assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


CIRCUMSTANCES = ("--occupation", "job_seeking", "--income", "unemployment_benefit",
                 "--consented-on", "2026-11-20")


def test_enrol_without_consent_date_or_circumstances_is_refused(runner):
    runner.invoke(args=["org", "add", HANINGE])
    for missing in ("--occupation", "--income", "--consented-on"):
        options = list(CIRCUMSTANCES)
        index = options.index(missing)
        del options[index:index + 2]
        result = runner.invoke(args=["enrol", "--code", "HAN-0043", "--gender", "man",
                                     "--birth-year", "1990", "--org", HANINGE, *options])
        assert result.exit_code != 0 and f"Missing option '{missing}'" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_enrol_and_issue_link_print_a_working_link(app, runner):
    runner.invoke(args=["org", "add", HANINGE])
    result = runner.invoke(args=["enrol", "--code", "HAN-0042", "--gender", "woman",
                                 "--birth-year", "1990", "--org", HANINGE, *CIRCUMSTANCES,
                                 "--email", "Anna@Example.org"])
    assert result.exit_code == 0, result.output
    participant = db.session.scalars(sa.select(Participant)).one()
    assert participant.email == "anna@example.org"
    assert (participant.consented_on.isoformat(), participant.consent_version) == (
        "2026-11-20", "2026-1"
    )

    first = runner.invoke(args=["issue-link", "HAN-0042"]).output.strip()
    assert first.startswith(f"{BASE_URL}/s/")
    path = first.removeprefix(BASE_URL)
    assert app.test_client().get(path).status_code == 200

    second = runner.invoke(args=["issue-link", "HAN-0042"]).output.strip()
    assert second != first
    assert app.test_client().get(path).status_code == 404  # the old link died


def test_enrol_refuses_a_personal_identity_number(runner):
    runner.invoke(args=["org", "add", HANINGE])
    for code in ("19900101-1234", "900101-1234", "199001011234", "9001011234", "HAN900101+1234"):
        result = runner.invoke(args=["enrol", "--code", code, "--gender", "man",
                                     "--birth-year", "1990", "--org", HANINGE, *CIRCUMSTANCES])
        assert result.exit_code != 0
        assert "personnummer" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_issue_link_for_an_unknown_code_says_so(runner):
    result = runner.invoke(args=["issue-link", "NOBODY"])
    assert result.exit_code != 0
    assert "No participant with code 'NOBODY'" in result.output


def demo_fingerprint() -> list[tuple]:
    db.session.expire_all()
    return [
        (p.code, p.gender.value, p.birth_year, p.organisation.path, p.exited_on,
         [(o.kind.value, o.sequence, o.due_on,
           sorted((a.item_id, a.value, a.missing_reason) for a in o.response.answers)
           if o.response else None) for o in p.occasions])
        for p in db.session.scalars(sa.select(Participant).order_by(Participant.code))
    ]


def test_demo_is_deterministic_and_women_and_men_move_differently(app, runner):
    args = ["demo", "--participants", "80", "--seed", "7", "--today", "2026-11-23"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    for login in demo.DEMO_LOGINS:
        assert login.email in result.output and login.password in result.output
    first = demo_fingerprint()
    assert len(first) == 80

    assert runner.invoke(args=args).exit_code == 0
    assert demo_fingerprint() == first

    root = demo.organisations.find(demo.ROOT)
    filters = reporting.ReportFilters(root)
    catalogue = app.extensions["questionnaires"]
    steps = reporting.steps_of(report_data.read(filters, catalogue), catalogue)
    # The story the demo tells, before any figure is suppressed.
    assert steps.moved("woman").mean() > steps.moved("man").mean()
    assert {kind for p in first for kind, *_ in p[5]} == {"intake", "followup", "exit"}


def test_demo_refuses_a_database_with_real_data(runner):
    make_participant("HAN-0001", HANINGE)
    result = runner.invoke(args=["demo", "--participants", "5"])
    assert result.exit_code != 0
    assert "riktiga uppgifter" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1

    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert "no demo data added" in quiet.output


def test_the_command_group_lists_every_command_and_honours_database_url(tmp_path, monkeypatch):
    database = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    cli = CliRunner()
    help_text = cli.invoke(command_group(), ["--help"]).output
    for command in ("db", "demo", "org", "create-user", "enrol", "issue-link", "report",
                    "monthly", "import", "targets", "send-reminders", "run"):
        assert f"  {command} " in help_text

    upgraded = cli.invoke(command_group(), ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    tables = sa.inspect(sa.create_engine(f"sqlite:///{database}")).get_table_names()
    assert {"participants", "responses", "answers", "alembic_version"} <= set(tables)


def test_first_run_creates_a_secret_key_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("STEGVIS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setattr("sys.argv", ["survey-app", "routes"])
    try:
        main()
    except SystemExit as stop:
        assert stop.code == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) == 64
    try:
        main()
    except SystemExit:
        pass
    assert (tmp_path / "secret_key").read_text() == key  # never replaced


def test_the_demo_shows_a_newcomer_every_status(app, runner):
    day = date(2026, 11, 23)
    result = runner.invoke(args=["demo", "--participants", "120", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    participants = db.session.scalars(sa.select(Participant)).all()
    statuses = {planned.status for p in participants for planned in schedule.plan(p, day)}
    assert statuses == set(schedule.OccasionStatus)
    assert any(p.exited_on for p in participants)
    assert all(p.exit_occupation for p in participants if p.exited_on)
    assert all(p.consented_on and p.intake_occupation for p in participants)
    # Some have an address, so reminders can be tried; all are example.org addresses.
    addresses = [p.email for p in participants if p.email]
    assert addresses and all(a.endswith("@example.org") for a in addresses)

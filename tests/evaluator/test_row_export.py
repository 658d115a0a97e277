"""Pseudonymised answers: only with the permission, nothing that names anyone, audited."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import openpyxl
import pyreadstat
import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Gender, OccasionKind, Role, User
from survey_app.services import clock, enrolment
from tests.conftest import form_token, make_participant, make_user, signed_in, submit_answers

HOME = "MIA/Haninge"
ENROLLED = clock.today() - timedelta(days=120)


def rows_from_zip(data: bytes, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def people(app):
    anna = make_participant("HAN-ANNA", HOME, Gender.WOMAN, enrolled_on=ENROLLED,
                            birth_year=1961)
    submit_answers(anna, OccasionKind.INTAKE, {"step": "2", "health": "dont_know",
                                               "control": "declined",
                                               "comment": "Min handläggare Eva på Konsum"})
    submit_answers(anna, OccasionKind.FOLLOWUP, {"step": "4", "closer": "4"})
    bo = make_participant("HAN-BO", HOME, Gender.MAN, enrolled_on=ENROLLED, birth_year=2001)
    submit_answers(bo, OccasionKind.INTAKE, {"step": "1"})
    # Elsewhere, and someone who withdrew: never in this evaluator's file.
    other = make_participant("BOR-CARL", "Finsam/Borås", Gender.MAN, enrolled_on=ENROLLED)
    submit_answers(other, OccasionKind.INTAKE, {"step": "7"})
    gone = make_participant("HAN-GONE", HOME, Gender.WOMAN, enrolled_on=ENROLLED)
    submit_answers(gone, OccasionKind.INTAKE, {"step": "6"})
    admin = make_user(Role.ADMIN, "MIA")
    enrolment.erase(gone, enrolment.ErasurePolicy.ANONYMISE, admin, datetime.now(UTC))
    db.session.commit()


@pytest.fixture
def permitted(app, people):
    evaluator = make_user(Role.EVALUATOR, HOME)
    evaluator.may_export_rows = True
    db.session.commit()
    return signed_in(app, evaluator)


def download(client, **arguments) -> bytes:
    response = client.get("/evaluator/answers/download", query_string=arguments)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.data


def test_each_submitted_questionnaire_is_a_row_with_nothing_that_names_anyone(permitted):
    data = download(permitted, file="csv")
    rows = rows_from_zip(data, "answers.csv")
    everything = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(name)
                          for name in zipfile.ZipFile(io.BytesIO(data)).namelist())
    for code in (b"HAN-ANNA", b"HAN-BO", b"BOR-CARL", b"HAN-GONE", b"1961", b"2001"):
        assert code not in everything
    assert b"Konsum" not in everything  # free text is left out by default
    assert "comment" not in rows[0]
    assert "birth_year" not in rows[0]

    assert len(rows) == 3  # Anna twice, Bo once; not Borås, not the one who withdrew
    by_person: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_person.setdefault(row["person"], []).append(row)
    assert sorted(len(answers) for answers in by_person.values()) == [1, 2]
    anna = next(answers for answers in by_person.values() if len(answers) == 2)
    intake, followup = anna
    assert (intake["occasion"], intake["followup"], followup["occasion"], followup["followup"]) \
        == ("Inskrivning", "", "Uppföljning", "1")
    # Born 1961, enrolled in 2026: the band of 65 and older, not the year.
    assert intake["age_band"] == "65+"
    assert intake["gender"] == "Kvinna"
    assert intake["organisation"] == HOME
    assert (intake["step"], followup["step"]) == ("2", "4")
    # Missing answers are coded: don't know −1, did not want to answer −2.
    assert (intake["health"], intake["control"]) == ("-1", "-2")
    # Not asked at intake: empty, not a code.
    assert (intake["closer"], followup["closer"]) == ("", "4")
    assert int(intake["days_since_enrolment"]) == 0
    assert intake["answered_month"] == ENROLLED.strftime("%Y-%m")


def test_the_ids_are_new_in_every_export(permitted):
    first = {row["person"] for row in rows_from_zip(download(permitted, file="csv"),
                                                     "answers.csv")}
    second = {row["person"] for row in rows_from_zip(download(permitted, file="csv"),
                                                      "answers.csv")}
    assert len(first) == len(second) == 2
    assert not first & second


def test_free_text_only_when_asked_for(permitted):
    rows = rows_from_zip(download(permitted, file="csv", include_text="y"), "answers.csv")
    assert {row["comment"] for row in rows} == {"Min handläggare Eva på Konsum", ""}


def test_the_workbook_has_a_codebook_with_every_version_s_wording(permitted):
    workbook = openpyxl.load_workbook(io.BytesIO(download(permitted, file="xlsx")))
    assert workbook.sheetnames[0] == "Om filen"
    assert {"answers", "codebook"} <= set(workbook.sheetnames)
    codebook = list(workbook["codebook"].iter_rows(min_row=2, values_only=True))
    steps = [row for row in codebook if row[0] == "step"]
    assert [row[1] for row in steps] == [1, 2]
    assert all(row[2] == "Var på stegen mot arbete eller studier befinner du dig i dag?"
               for row in steps)
    assert "-1 = Vet inte" in steps[0][3] and "-3 = Inte besvarad" in steps[0][3]
    assert any(row[0] == "person" for row in codebook)
    header = [cell.value for cell in workbook["answers"][1]]
    assert header[:3] == ["person", "gender", "age_band"]


def test_spss_keeps_the_labels_and_declares_missing_codes(permitted, tmp_path):
    data = download(permitted, file="sav")
    path = tmp_path / "answers.sav"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path.write_bytes(archive.read("answers.sav"))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["step"] == "Var på stegen mot arbete eller studier befinner du dig i dag?"
    step_labels = meta.variable_value_labels["step"]
    assert step_labels[-1.0] == "Vet inte"
    assert step_labels[-2.0] == "Ville inte svara"
    assert meta.missing_ranges["health"] == [{"lo": -3.0, "hi": -1.0}]
    # Read as SPSS would: the codes are missing, not numbers to average.
    frame, _meta = pyreadstat.read_sav(str(path))
    assert frame["health"].isna().sum() == 1


def test_every_download_is_in_the_audit_trail(permitted):
    download(permitted, file="csv_sv", age_band="65+", include_text="y")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "row_export"))
    assert event.details == {"format": "csv", "include_text": True, "rows": 2,
                             "participants": 1, "age_band": "65+"}


def test_a_bad_filter_gets_the_page_back_with_a_message(permitted):
    response = permitted.get("/evaluator/answers/download",
                             query_string={"file": "zip", "enrolled_from": "igår"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Välj en filtyp i listan." in page
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "row_export")) \
        is None


def test_another_organisation_is_not_there(permitted):
    borås = make_participant("BOR-X1", "Finsam/Borås").organisation
    response = permitted.get("/evaluator/answers/download",
                             query_string={"file": "csv", "organisation": borås.id})
    assert response.status_code == 404


def test_without_the_permission_there_is_no_row_export(app, people):
    evaluator = make_user(Role.EVALUATOR, HOME)
    client = signed_in(app, evaluator)
    assert client.get("/evaluator/answers").status_code == 403
    assert client.get("/evaluator/answers/download?file=csv").status_code == 403
    assert "/evaluator/answers" not in client.get("/evaluator/monthly").get_data(as_text=True)


def edit(client, user: User, **changes) -> str:
    url = f"/admin/users/{user.id}"
    form = {"role": user.role.value, "organisation": user.organisation_id, "is_active": "y",
            **form_token(client, url), **changes}
    response = client.post(url, data=form, follow_redirects=True)
    return response.get_data(as_text=True)


def test_an_admin_grants_and_revokes_the_permission_and_both_are_audited(app, people):
    evaluator = make_user(Role.EVALUATOR, HOME)
    coach = make_user(Role.COACH, HOME)
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
    admin_client = signed_in(app, admin)
    evaluator_client = signed_in(app, evaluator)

    edit(admin_client, evaluator, may_export_rows="y")
    assert evaluator_client.get("/evaluator/answers").status_code == 200
    assert "/evaluator/answers" in evaluator_client.get("/evaluator/monthly").get_data(
        as_text=True)
    edit(admin_client, evaluator)
    assert evaluator_client.get("/evaluator/answers").status_code == 403
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_id == evaluator.id,
                                           AuditEvent.target_type == "User")
        .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["grant_row_export", "revoke_row_export"]

    page = edit(admin_client, coach, may_export_rows="y")
    assert "Bara utvärderare kan hämta pseudonymiserade svar." in page
    db.session.refresh(coach)
    assert not coach.may_export_rows

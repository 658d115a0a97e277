"""A double tap on a tablet sends the same page twice at once: one answer, no error."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Answer, Response
from survey_app.services import clock, links
from tests.conftest import make_participant
from tests.live_client import LiveClient
from tests.participant.test_flow import INTAKE_ITEMS


def test_tapping_next_several_times_at_once_saves_one_answer_and_moves_on(app, live_server):
    participant = make_participant()
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    tablet = LiveClient(live_server)
    # The first page also starts the response; the others only add answers.
    for item_id, value, next_item in [("step", "3", "work_ability"),
                                      ("work_ability", "2", "readiness"),
                                      ("comment", "Bra stöd", None)]:
        path = f"/s/{token}/q/{item_id}"
        results = tablet.form_at_once(path, {"answer": value})
        assert {status for status, _location, _page in results} == {302}, item_id
        if next_item is not None:
            assert {location for _status, location, _page in results} == {
                f"/s/{token}/q/{next_item}"}

    db.session.expire_all()
    answers = db.session.scalars(sa.select(Answer)).all()
    assert sorted((a.item_id, a.value, a.text) for a in answers) == [
        ("comment", None, "Bra stöd"), ("step", 3, None), ("work_ability", 2, None)]
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_tapping_send_several_times_at_once_sends_once(app, live_server):
    participant = make_participant()
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    tablet = LiveClient(live_server)
    for item_id in INTAKE_ITEMS:
        path = f"/s/{token}/q/{item_id}"
        value = "" if item_id == "comment" else "3"
        tablet.form_at_once(path, {"answer": value})

    path = f"/s/{token}/send"
    results = tablet.form_at_once(path, {})
    assert {(status, location) for status, location, _page in results} == {(302, "/s/thanks")}
    db.session.expire_all()
    response = db.session.scalars(sa.select(Response)).one()
    assert response.is_submitted
    assert len(response.answers) == len(INTAKE_ITEMS)

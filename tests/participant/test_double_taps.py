"""A double tap on a tablet sends the same page twice at once: one answer, no error.

Real concurrent requests, against the app served by threads: the test client
runs one request at a time and cannot show a race.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Answer, Response
from survey_app.services import clock, links
from tests.conftest import make_participant
from tests.participant.test_flow import INTAKE_ITEMS

TAPS = 8


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # The redirect itself is what the test reads.


class Tablet:
    """One browser: its cookies, and several requests sent at the same moment."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects)

    def form_token(self, path: str) -> str:
        page = self.opener.open(self.base + path).read().decode()
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]

    def taps(self, path: str, fields: dict[str, str]) -> list[tuple[int, str]]:
        body = urllib.parse.urlencode(fields).encode()
        together = threading.Barrier(TAPS)
        results: list[tuple[int, str]] = []

        def tap() -> None:
            together.wait()
            try:
                response = self.opener.open(self.base + path, data=body)
            except urllib.error.HTTPError as refusal:  # 3xx too, as redirects are kept
                response = refusal
            results.append((response.status, response.headers.get("Location", "")))

        threads = [threading.Thread(target=tap) for _ in range(TAPS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results


def test_tapping_next_several_times_at_once_saves_one_answer_and_moves_on(app, live_server):
    participant = make_participant()
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    tablet = Tablet(live_server)
    # The first page also starts the response; the others only add answers.
    for item_id, value, next_item in [("step", "3", "work_ability"),
                                      ("work_ability", "2", "readiness"),
                                      ("comment", "Bra stöd", None)]:
        path = f"/s/{token}/q/{item_id}"
        results = tablet.taps(path, {"csrf_token": tablet.form_token(path), "answer": value})
        statuses = {status for status, _location in results}
        assert statuses == {302}, (item_id, results)
        if next_item is not None:
            assert {location for _status, location in results} == {f"/s/{token}/q/{next_item}"}

    db.session.expire_all()
    answers = db.session.scalars(sa.select(Answer)).all()
    assert sorted((a.item_id, a.value, a.text) for a in answers) == [
        ("comment", None, "Bra stöd"), ("step", 3, None), ("work_ability", 2, None)]
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_tapping_send_several_times_at_once_sends_once(app, live_server):
    participant = make_participant()
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    tablet = Tablet(live_server)
    for item_id in INTAKE_ITEMS:
        path = f"/s/{token}/q/{item_id}"
        value = "" if item_id == "comment" else "3"
        tablet.taps(path, {"csrf_token": tablet.form_token(path), "answer": value})

    path = f"/s/{token}/send"
    results = tablet.taps(path, {"csrf_token": tablet.form_token(path)})
    assert {status for status, _location in results} == {302}, results
    assert {location for _status, location in results} == {"/s/thanks"}
    db.session.expire_all()
    response = db.session.scalars(sa.select(Response)).one()
    assert response.is_submitted
    assert len(response.answers) == len(INTAKE_ITEMS)

"""Participant pages: bytes sent (a cheap tablet on a slow connection) and request cost.

Every answer is a POST that saves and commits, then a redirect and the next GET.
Baseline, measured in the same run: the static thank-you page, which touches no
database. Uses a throw-away SQLite database; nothing leaves 127.0.0.1.

    .venv/bin/python bench/participant_pages.py [--answers 200]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import flask_migrate

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import Gender
from survey_app.services import clock, enrolment, links, organisations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="stegvis-bench-"))
    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        flask_migrate.upgrade()
        participant = enrolment.enrol(
            code="BENCH-1", gender=Gender.WOMAN, birth_year=1990,
            organisation=organisations.add("Bench/Town"), language="sv",
            prefers_easy_read=True, coach=None, today=clock.today(),
        )
        token = links.issue(participant.occasions[0], clock.now(), timedelta(days=1))
        db.session.commit()

    client = app.test_client()
    css = client.get("/static/css/stegvis.css")
    css_bytes = len(css.data)
    css.close()
    print("page weight (HTML, plus one cached stylesheet of "
          f"{css_bytes / 1024:.1f} KiB; no scripts, no fonts, no images):")
    for name, path in (("welcome", f"/s/{token}"), ("ladder", f"/s/{token}/q/step"),
                       ("scale", f"/s/{token}/q/health"), ("text", f"/s/{token}/q/comment")):
        print(f"  {name:<8} {len(client.get(path).data) / 1024:6.1f} KiB")

    page = client.get(f"/s/{token}/q/health").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    start = time.perf_counter()
    for _ in range(args.answers):
        client.get("/s/thanks")
    static = (time.perf_counter() - start) / args.answers

    start = time.perf_counter()
    for i in range(args.answers):
        client.post(f"/s/{token}/q/health", data={"csrf_token": csrf, "answer": str(1 + i % 5)})
        client.get(f"/s/{token}/q/influence")
    answer = (time.perf_counter() - start) / args.answers

    print(f"static page:           {static * 1e3:7.2f} ms/request (baseline)")
    ratio = answer / static
    print(f"save answer + next:    {answer * 1e3:7.2f} ms/answer  ({ratio:.1f}× baseline)")


if __name__ == "__main__":
    main()

"""Participant pages on a cheap tablet: bytes, third-party requests, first paint, server cost.

Reports, for the question page a participant sees most often:

* bytes transferred for a cold load (HTML + CSS + JS, target under 30 KB) and the
  number of requests to any host but ours (target zero), counted in Chromium;
* first contentful paint in Chromium with the network throttled to 400 kbit/s and
  400 ms round trip and the CPU slowed 4× (target under 1.5 s), median of cold loads;
* server throughput for the question page, and for saving an answer and showing the
  next question, as ratios against a bare Flask route measured in the same run.

Uses a throw-away SQLite database and a server on 127.0.0.1; nothing else is
contacted. Chromium is Debian's (``apt-get install -y chromium``), never a download.

    .venv/bin/python bench/participant_pages.py [--requests 500] [--loads 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from schema import upgrade_quietly
from timing import best_of

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import Gender, IncomeSource, Occupation
from survey_app.services import clock, enrolment, links, organisations
from survey_app.testing import serving

CHROMIUM = Path(os.environ.get("STEGVIS_CHROMIUM", "/usr/bin/chromium"))
# The flags the browser tests use: without them Chromium phones home at start-up.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# A cheap tablet on a poor mobile connection, as the issue sets it.
THROTTLED_NETWORK = {
    "offline": False,
    "latency": 400,  # ms round trip
    "downloadThroughput": 400 * 1000 / 8,  # 400 kbit/s in bytes per second
    "uploadThroughput": 400 * 1000 / 8,
}
CPU_SLOWDOWN = 4
WEIGHT_TARGET_BYTES = 30 * 1000
FCP_TARGET_MS = 1500
QUESTION = "health"  # an agreement scale with pictograms: the heaviest common page


@dataclass
class ColdLoad:
    """What one cold load of a page fetched, by Chromium's own account."""

    bytes_by_type: dict[str, int] = field(default_factory=dict)
    third_party: list[str] = field(default_factory=list)
    first_contentful_paint_ms: float | None = None

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_type.values())


def bench_app(folder: Path) -> tuple[Flask, str]:
    """An app on a fresh database with one enrolled participant, and their survey link."""
    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
        "RATELIMIT_ENABLED": False,
    })
    # The baseline: what Flask itself costs per request, with no template or database.
    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")
    with app.app_context():
        upgrade_quietly()
        participant = enrolment.enrol(
            code="BENCH-1", gender=Gender.WOMAN, birth_year=1990,
            organisation=organisations.add("Bench/Town"), language="sv",
            prefers_easy_read=True, coach=None, today=clock.today(),
            consent=enrolment.Consent(True, clock.today()),
            circumstances=enrolment.Circumstances(Occupation.SICK_LEAVE,
                                                  IncomeSource.SICKNESS_COMPENSATION),
        )
        token = links.issue(participant.occasions[0], clock.now(), timedelta(days=1))
        db.session.commit()
    return app, token


def cold_load(browser: Browser, url: str, throttled: bool) -> ColdLoad:
    """Load ``url`` in a fresh context (empty cache), as a tablet would the first time."""
    own_host = urlsplit(url).netloc
    load = ColdLoad()
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()

    def count(response) -> None:  # noqa: ANN001 - Playwright's Response
        host = urlsplit(response.url).netloc
        if host != own_host:
            load.third_party.append(response.url)
        kind = response.request.resource_type
        response.finished()
        sizes = response.request.sizes()
        transferred = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        load.bytes_by_type[kind] = load.bytes_by_type.get(kind, 0) + transferred

    page.on("response", count)
    if throttled:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLED_NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until="load")
    # Under CPU slowdown the first paint can come after the load event: wait for it.
    load.first_contentful_paint_ms = page.evaluate(
        """() => new Promise(resolve => {
            new PerformanceObserver(entries => {
                const paint = entries.getEntriesByName("first-contentful-paint")[0];
                if (paint) resolve(paint.startTime);
            }).observe({type: "paint", buffered: true});
            setTimeout(() => resolve(null), 10000);
        })"""
    )
    # Requests the page may make after load (a script fetching something) count too.
    page.wait_for_timeout(500)
    context.close()
    return load


def report_browser(url: str, loads: int) -> None:
    if not CHROMIUM.exists():
        raise SystemExit(f"No Chromium at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            weight = cold_load(browser, url, throttled=False)
            paints = [cold_load(browser, url, throttled=True).first_contentful_paint_ms
                      for _ in range(loads)]
        finally:
            browser.close()

    print("question page, cold load in Chromium (bytes on the wire, headers included):")
    for kind, size in sorted(weight.bytes_by_type.items()):
        print(f"  {kind:<12} {size / 1000:6.1f} KB")
    verdict = "within" if weight.total_bytes < WEIGHT_TARGET_BYTES else "OVER"
    print(f"  {'total':<12} {weight.total_bytes / 1000:6.1f} KB  "
          f"({verdict} the {WEIGHT_TARGET_BYTES / 1000:.0f} KB target)")
    print(f"  third-party requests: {len(weight.third_party)}"
          + "".join(f"\n    {address}" for address in weight.third_party))

    measured = [paint for paint in paints if paint is not None]
    if not measured:
        print("first contentful paint: Chromium reported none")
        return
    median = statistics.median(measured)
    verdict = "within" if median < FCP_TARGET_MS else "OVER"
    print(f"first contentful paint, 400 kbit/s, 400 ms RTT, {CPU_SLOWDOWN}× CPU "
          f"(median of {len(measured)}): {median:6.0f} ms  "
          f"(min {min(measured):.0f}, max {max(measured):.0f}; "
          f"{verdict} the {FCP_TARGET_MS} ms target)")


def report_server(app: Flask, token: str, requests: int) -> None:
    client = app.test_client()
    question = f"/s/{token}/q/{QUESTION}"
    page = client.get(question).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def get_many(path: str) -> None:
        for _ in range(requests):
            client.get(path)

    def answer_many() -> None:
        for i in range(requests):
            client.post(question, data={"csrf_token": csrf, "answer": str(1 + i % 5)})
            client.get(f"/s/{token}/q/influence")

    bare = best_of(3, get_many, "/bench/bare") / requests
    shown = best_of(3, get_many, question) / requests
    answered = best_of(3, answer_many) / requests
    print(f"server, {requests} requests in-process (best of 3):")
    print(f"  bare Flask route      {1 / bare:8.0f} requests/s  (baseline)")
    print(f"  question page         {1 / shown:8.0f} requests/s  ({shown / bare:5.1f}× the cost)")
    print(f"  save answer + next    {1 / answered:8.0f} answers/s   "
          f"({answered / bare:5.1f}× the cost)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500,
                        help="requests per server measurement")
    parser.add_argument("--loads", type=int, default=5, help="throttled cold loads to time")
    args = parser.parse_args()
    app, token = bench_app(Path(tempfile.mkdtemp(prefix="stegvis-bench-")))
    with serving(app) as address:
        report_browser(f"{address}/s/{token}/q/{QUESTION}", args.loads)
    report_server(app, token, args.requests)


if __name__ == "__main__":
    main()

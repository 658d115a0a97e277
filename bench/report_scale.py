"""The full evaluator report at scale, against a per-participant loop and pandas.

For each size, a throw-away database (SQLite, or with ``--database postgresql``
a new database on the PostgreSQL server at 127.0.0.1) gets that many participants
with up to 13 answered occasions (intake, follow-ups, exit for some) of a 20-item
questionnaire (the ladder, the Stegvis statements and extra statements, some
reversed; 5 % "don't know"). On that database, in the same run:

* ``stegvis``: ``reporting.evaluator_report`` as the report page calls it (database
  read, every table with its statistics and suppression), then all five charts
  drawn as SVG. One untimed run comes first: the loop and pandas run after the
  report, on database pages it brought into memory, and the timed runs get the
  same, and the best of at least three timed runs counts. The read, the analysis
  and the charts are also timed on their own; peak
  memory is tracemalloc's, in a separate run so its bookkeeping does not distort
  the timings. The charts are drawn in worker processes (``CHART_PROCESSES``, one
  per core), started by the untimed run; their memory is given apart, as the
  proportional set size of every process this one started (Linux only).
* ``loop``: what a hand-written script would do: read every submitted answer,
  then one participant at a time pick intake and latest, score the domains and
  tally movement and mean domain change per gender. It computes far less than the
  report (no statistics, suppression, attrition, targets or charts).
* ``pandas`` (installed with Stegvis, which writes SPSS files through it): the
  same figures as the loop with ``read_sql`` and ``groupby("participant").apply``.

    .venv/bin/python bench/report_scale.py [--sizes 1000 10000 100000] [--repeat 1]
                                           [--database sqlite|postgresql]

The report of the smallest size is almost all fixed cost (charts, bootstrap resamples,
query planning), which the larger sizes pay too: the last lines say how each part
grows with the data, and how the rest of the report grows once that cost is taken off.

Generating 100 000 participants (about 14 million answers) takes a few minutes.
Nothing leaves 127.0.0.1; the databases are deleted afterwards.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa
import yaml
from flask import current_app
from schema import upgrade_quietly
from timing import best_of

from analysis import suppression
from questionnaires import Catalogue, packing
from survey_app import create_app
from survey_app.evaluator.charts import rendered_charts
from survey_app.extensions import db
from survey_app.services import clock, organisations, reporting

MAX_OCCASIONS = 13
ITEMS = 20
THRESHOLD = 5
GENDERS = np.array(["woman", "man", "other", "not_stated"])
OUTCOMES = np.array(["work", "studies", "programme", "rehabilitation", "other", "unknown"])
EXTRA_DOMAINS = ("work_ability", "readiness", "influence", "coordination", "knowledge",
                 "control")


def questionnaire_folder(folder: Path) -> Path:
    """Stegvis' questionnaire with extra statements, up to 20 items in all."""
    source = Catalogue.default_directory() / "stegvis" / "v1.yaml"
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    extra = ITEMS - len(document["items"])
    for number in range(extra):
        document["items"].append({
            "id": f"extra_{number}", "type": "scale", "scale": "agreement",
            "domain": EXTRA_DOMAINS[number % len(EXTRA_DOMAINS)], "reverse": number % 3 == 0,
            "text": {"sv": f"Påstående {number}.", "sv-easy": f"Påstående {number}.",
                     "en": f"Statement {number}."},
        })
    target = folder / "questionnaires"
    (target / "stegvis").mkdir(parents=True)
    (target / "stegvis" / "v1.yaml").write_text(yaml.safe_dump(document, allow_unicode=True),
                                                encoding="utf-8")
    return target


def generate(catalogue: Catalogue, n: int, today: date, seed: int = 1) -> int:
    """Participants, occasions, responses and answers, written straight with the driver,
    each response with its values packed as ``responses.submit`` packs them."""
    rng = np.random.default_rng(seed)
    definition = catalogue.latest("stegvis").definition
    organisation_id = organisations.add("Bench/Projekt").id
    db.session.commit()  # the driver below writes on its own connection
    answered_followups = rng.integers(0, MAX_OCCASIONS - 1, n)  # intake + 0..11 follow-ups
    exited = rng.random(n) < 0.3  # exit answered: up to 13 occasions
    enrolled = [today - timedelta(days=int(91 * f + d))
                for f, d in zip(answered_followups, rng.integers(20, 80, n), strict=True)]
    created = datetime.now()
    connection = db.engine.raw_connection()
    _write(connection, "participants",
        ("id", "code", "gender", "birth_year", "language", "prefers_easy_read",
         "organisation_id", "enrolled_on", "exited_on", "exit_outcome", "created_at"),
        (
            (i + 1, f"B-{i + 1}", str(GENDERS[g]), int(y), "sv", False, organisation_id,
             enrolled[i], today - timedelta(days=10) if exited[i] else None,
             str(OUTCOMES[o]) if exited[i] else None, created)
            for i, (g, y, o) in enumerate(zip(
                rng.choice(4, n, p=[0.5, 0.46, 0.02, 0.02]), rng.integers(1960, 2005, n),
                rng.integers(0, len(OUTCOMES), n), strict=True))
        ),
    )
    items = [item for item in definition.items if item.question_type.scored]
    points = {item.id: [p.value for p in definition.scale_for(item).points] for item in items}

    def occasions():
        for i in range(n):
            yield i, "intake", 0, enrolled[i]
            for number in range(1, int(answered_followups[i]) + 1):
                yield i, "followup", number, enrolled[i] + timedelta(days=91 * number)
            if exited[i]:
                yield i, "exit", 0, today - timedelta(days=10)

    answers = 0
    occasion_rows, response_rows, answer_rows = [], [], []
    start = rng.integers(1, 5, n)  # where each participant stands at intake
    for number, (i, kind, sequence, due) in enumerate(occasions(), start=1):
        occasion_rows.append((number, i + 1, kind, sequence, due, created))
        progress = sequence if kind == "followup" else (MAX_OCCASIONS if kind == "exit" else 0)
        given: dict[str, int] = {}
        for item in items:
            if not item.asked_at(kind):
                continue
            answers += 1
            if rng.random() < 0.05:
                answer_rows.append((answers, number, item.id, None, "dont_know", created))
                continue
            values = points[item.id]
            drift = int(start[i] + progress // 4 + rng.integers(-1, 2))
            given[item.id] = min(max(drift, values[0]), values[-1])
            answer_rows.append((answers, number, item.id, given[item.id], None, created))
        response_rows.append((number, number, "stegvis", 1, "bench", "sv", "self", created,
                              created, packing.pack(definition, given)))
        if len(answer_rows) > 500_000:
            _flush(connection, occasion_rows, response_rows, answer_rows)
    _flush(connection, occasion_rows, response_rows, answer_rows)
    connection.commit()
    connection.close()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as analyze:  # fresh statistics, as autovacuum would give
            analyze.execute(sa.text("ANALYZE"))
            analyze.commit()
    return answers


def _write(connection, table: str, columns: tuple[str, ...], rows) -> None:
    """Rows into a table the fastest way the driver offers: COPY or executemany."""
    cursor = connection.cursor()
    if db.engine.dialect.name == "postgresql":
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        # Table and column names are this script's own constants.
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(statement, rows)
    cursor.close()


def _flush(connection, occasion_rows: list, response_rows: list, answer_rows: list) -> None:
    _write(connection, "occasions",
           ("id", "participant_id", "kind", "sequence", "due_on", "created_at"), occasion_rows)
    _write(connection, "responses",
           ("id", "occasion_id", "questionnaire_slug", "questionnaire_version",
            "questionnaire_hash", "language", "mode", "started_at", "submitted_at",
            "packed_values"),
           response_rows)
    _write(connection, "answers",
           ("id", "response_id", "item_id", "value", "missing_reason", "answered_at"),
           answer_rows)
    for rows in (occasion_rows, response_rows, answer_rows):
        rows.clear()


ANSWERS_QUERY = """
SELECT p.id, p.gender, o.kind, o.sequence, a.item_id, a.value
FROM answers a JOIN responses r ON r.id = a.response_id
JOIN occasions o ON o.id = r.occasion_id JOIN participants p ON p.id = o.participant_id
WHERE r.submitted_at IS NOT NULL
"""
KIND_ORDER = {"intake": 0, "followup": 1, "exit": 2}


class Scoring:
    """What the baselines need of the questionnaire: ladder, domains, item scoring."""

    def __init__(self, catalogue: Catalogue) -> None:
        definition = catalogue.latest("stegvis").definition
        self.ladder = definition.ladder_item.id
        self.domain_items: dict[str, list[str]] = defaultdict(list)
        self.mirror: dict[str, int] = {}
        for item in definition.items:
            if item.question_type.scored and item.id != self.ladder:
                self.domain_items[item.domain].append(item.id)
                values = [p.value for p in definition.scale_for(item).points]
                self.mirror[item.id] = min(values) + max(values) if item.reverse else 0

    def score(self, item_id: str, value: float) -> float:
        mirror = self.mirror[item_id]
        return mirror - value if mirror else value


def loop(engine: sa.Engine, scoring: Scoring) -> object:
    """One participant at a time, in plain Python."""
    connection = engine.raw_connection()
    cursor = connection.cursor()
    cursor.execute(ANSWERS_QUERY)
    people: dict[int, dict] = {}
    for participant, gender, kind, sequence, item_id, value in cursor:
        person = people.setdefault(participant, {"gender": gender, "occasions": {}})
        person["occasions"].setdefault((KIND_ORDER[kind], sequence), {})[item_id] = value
    cursor.close()
    connection.close()

    def domain_scores(answers: dict) -> dict[str, float]:
        scores = {}
        for domain, items in scoring.domain_items.items():
            answered = [scoring.score(i, answers[i]) for i in items if answers.get(i) is not None]
            if answered and 2 * len(answered) >= len(items):
                scores[domain] = statistics.fmean(answered)
        return scores

    movements: dict[str, list[int]] = defaultdict(list)
    changes: dict[tuple[str, str], list[float]] = defaultdict(list)
    for person in people.values():
        occasions = person["occasions"]
        intake = occasions.get((0, 0))
        later = [key for key in occasions if key[0] > 0]
        if intake is None or not later:
            continue
        latest = occasions[max(later)]
        before, after = intake.get(scoring.ladder), latest.get(scoring.ladder)
        if before is not None and after is not None:
            movements[person["gender"]].append(after - before)
        start, end = domain_scores(intake), domain_scores(latest)
        for domain in start.keys() & end.keys():
            changes[(person["gender"], domain)].append(end[domain] - start[domain])
    movement = {
        g: (len(m), statistics.fmean(m), statistics.median(m), sum(x > 0 for x in m) / len(m))
        for g, m in movements.items()
    }
    return movement, {key: statistics.fmean(v) for key, v in changes.items()}


def with_pandas(engine: sa.Engine, scoring: Scoring) -> object:
    """The loop's figures with ``groupby("participant").apply``."""
    import pandas as pd

    with engine.connect() as connection:
        frame = pd.read_sql(sa.text(ANSWERS_QUERY), connection)
    frame.columns = ["participant", "gender", "kind", "sequence", "item", "value"]
    frame["order"] = frame["kind"].map(KIND_ORDER)
    mirror = frame["item"].map(scoring.mirror)
    frame["score"] = np.where(mirror > 0, mirror - frame["value"], frame["value"])
    domain_of = {i: d for d, items in scoring.domain_items.items() for i in items}
    frame["domain"] = frame["item"].map(domain_of)
    sizes = {d: len(items) for d, items in scoring.domain_items.items()}

    def one_participant(group: pd.DataFrame) -> pd.Series:
        intake = group[group["order"] == 0]
        later = group[group["order"] > 0]
        if intake.empty or later.empty:
            return pd.Series(dtype=float)
        last = later[["order", "sequence"]].drop_duplicates().sort_values(["order", "sequence"])
        order, sequence = last.iloc[-1]
        latest = later[(later["order"] == order) & (later["sequence"] == sequence)]
        result = {}
        for name, answers in (("before", intake), ("after", latest)):
            step = answers.loc[answers["item"] == scoring.ladder, "value"]
            result[f"step_{name}"] = step.iloc[0] if len(step) else np.nan
            by_domain = answers.dropna(subset=["domain"]).groupby("domain")["score"]
            counted = by_domain.count()
            enough = 2 * counted >= counted.index.map(sizes)
            for domain, score in by_domain.mean()[enough & (counted > 0)].items():
                result[f"{name}_{domain}"] = score
        return pd.Series(result)

    people = frame.groupby("participant").apply(one_participant, include_groups=False).unstack()
    people["gender"] = frame.groupby("participant")["gender"].first()
    people["move"] = people["step_after"] - people["step_before"]
    movement = people.groupby("gender")["move"].agg(["count", "mean", "median"])
    change = {
        domain: (people[f"after_{domain}"] - people[f"before_{domain}"]).groupby(
            people["gender"]).mean()
        for domain in scoring.domain_items
        if f"after_{domain}" in people and f"before_{domain}" in people
    }
    return movement, change


def stegvis_report(catalogue: Catalogue, today: date) -> dict[str, float]:
    """The report page's work, timed in parts: read, analysis, charts; each time as
    the first report on this data, with nothing remembered from the last."""
    suppression.forget_audits()
    filters = reporting.ReportFilters(organisations.find("Bench"))
    started = time.perf_counter()
    inputs = reporting.read_inputs(filters, catalogue)
    read = time.perf_counter()
    report = reporting.analyse(inputs, filters, catalogue, THRESHOLD, today)
    analysed = time.perf_counter()
    rendered_charts(report, "svg", current_app.config["CHART_PROCESSES"])
    drawn = time.perf_counter()
    return {"read": read - started, "analysis": analysed - read, "charts": drawn - analysed,
            "full": drawn - started}


#: Timed runs of the report at least: it is cheap next to the loop and pandas, and the
#: differences between sizes that the last lines print need it steady.
REPORT_RUNS = 3

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_database(kind: str, folder: Path) -> Iterator[str]:
    """The address of a new, empty database, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'report.sqlite3'}"
        return
    name = f"stegvis_bench_{os.getpid()}"
    server = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_SERVER).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def descendants_mb() -> float:
    """Memory of the processes this one started and theirs: each one's proportional
    set size, which counts a page they share once in all. NaN without /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return float("nan")
    children: dict[int, list[int]] = defaultdict(list)
    for entry in proc.iterdir():
        try:
            if entry.name.isdigit():
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children[parent].append(int(entry.name))
        except OSError:  # ended meanwhile
            continue
    total, waiting = 0, list(children[os.getpid()])
    while waiting:
        pid = waiting.pop()
        waiting += children[pid]
        try:
            rollup = (proc / str(pid) / "smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    print(f"On {args.database}:")
    print(f"{'participants':>12} {'answers':>11} {'read s':>7} {'analysis s':>10} "
          f"{'charts s':>8} {'full s':>7} {'peak MB':>8} {'workers MB':>10} {'loop s':>7} "
          f"{'loop/full':>9} {'pandas s':>8} {'pandas/full':>11}")
    timings: dict[int, dict[str, float]] = {}
    for n in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="stegvis-bench-"))
        try:
            with throwaway_database(args.database, folder) as url:
                app = create_app({
                    "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                    "QUESTIONNAIRE_DIR": str(questionnaire_folder(folder)),
                    "RATELIMIT_ENABLED": False,
                })
                with app.app_context():
                    upgrade_quietly()
                    catalogue = app.extensions["questionnaires"]
                    today = clock.today()
                    answers = generate(catalogue, n, today)
                    stegvis_report(catalogue, today)  # untimed: warms the pages
                    runs = [stegvis_report(catalogue, today)
                            for _ in range(max(REPORT_RUNS, args.repeat))]
                    best = {part: min(run[part] for run in runs) for part in runs[0]}
                    tracemalloc.start()
                    stegvis_report(catalogue, today)
                    peak = tracemalloc.get_traced_memory()[1] / 1e6
                    tracemalloc.stop()
                    workers = descendants_mb()
                    scoring = Scoring(catalogue)
                    base = best_of(args.repeat, loop, db.engine, scoring)
                    panda = best_of(args.repeat, with_pandas, db.engine, scoring)
                    db.session.remove()
                    db.engine.dispose()
        finally:
            shutil.rmtree(folder)
        timings[n] = best
        print(f"{n:>12,} {answers:>11,} {best['read']:>7.2f} {best['analysis']:>10.2f} "
              f"{best['charts']:>8.2f} {best['full']:>7.2f} {peak:>8.0f} {workers:>10.0f} "
              f"{base:>7.2f} {base / best['full']:>9.1f} {panda:>8.2f} "
              f"{panda / best['full']:>11.1f}")
    print_growth(timings)


def print_growth(timings: dict[int, dict[str, float]]) -> None:
    """How each part grew from one size to the next; and, taking off the smallest
    size's report as the cost every report pays, how the rest grew."""
    sizes = sorted(timings)
    for smaller, larger in itertools.pairwise(sizes):
        parts = ", ".join(f"{part} {timings[larger][part] / timings[smaller][part]:.1f}×"
                          for part in ("read", "analysis", "charts", "full"))
        print(f"{larger / smaller:.0f}× the participants took, in time: {parts}")
    fixed = timings[sizes[0]]["full"]
    for smaller, larger in itertools.pairwise(sizes[1:]):
        if sizes[0] * 10 > smaller:
            continue  # the smallest report is not small enough to stand for the fixed cost
        beyond = timings[smaller]["full"] - fixed
        # The fixed cost varies by a few hundredths of a second from run to run: a
        # difference smaller than that cost itself can be mostly that spread, and a
        # ratio over it says nothing (0.06 s at 10 000 made 100 000 look 20× slower).
        if beyond < fixed:
            print(f"A report on {smaller:,} participants took {beyond:.2f} s beyond the "
                  f"{fixed:.2f} s of one on {sizes[0]:,}: too little to say how the rest "
                  "grows")
            continue
        print(f"Beyond the {fixed:.2f} s of a report on {sizes[0]:,} participants, "
              f"{larger / smaller:.0f}× the participants took "
              f"{(timings[larger]['full'] - fixed) / beyond:.1f}× the time")


if __name__ == "__main__":
    main()

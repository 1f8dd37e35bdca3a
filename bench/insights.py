"""The learning half at scale: 100,000 incidents with 1,000,000 timeline events.

Prints, as ratios measured in the same run on the same database:
- search (services.search) against one raw full-text query on the same index
  (FTS5 MATCH ranked by bm25 / tsvector @@ ranked by ts_rank_cd), goal <= 1.5;
- similar incidents for one incident against one raw full-text query of its
  distinctive words, goal <= 3;
- the metrics page's figures and charts against one raw SQL aggregation of the
  same moments, goal <= 2;
- beside the first and the third, the same answer written plainly in SQL (ranked
  incidents with total and facets; the page's percentiles), which the service's
  own work is best compared with;
- the search index's size against the data's;
- peak Python memory of a full reindex at a quarter of the incidents and at
  all of them (flat: the same, whatever the number of incidents).

SQLite by default (a temporary file); --postgres URL for a PostgreSQL database
that may be emptied (scripts/with-postgres.sh sets CAIRN_TEST_DATABASE_URL).

Run: python bench/insights.py [--incidents 100000] [--events 10] [--rounds 7] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SERVICES = ["checkout", "payments", "search", "auth", "inventory", "notifications", "api-gateway", "data-pipeline", "ci", "storage"]
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
CATEGORIES = ["capacity", "configuration", "change/deploy", "dependency", "monitoring gap", "software defect", "process"]
CAUSES = ["connection pool exhausted", "certificate expired", "disk full on the primary", "resolver timeouts", "rate limit too low",
          "memory leak in the worker", "schema migration locked the table", "consumer lag grew", "cache stampede", "clock skew"]
STEPS = ["checked the dashboards", "paged the database owners", "rolled back the release", "restarted the workers", "raised the limit",
         "posted a status update", "scaled out the replicas", "failed over to the standby", "cleared the queue", "opened a bridge call"]
BATCH = 5_000
SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vas", "qui", "zel", "par", "dun", "sol", "ber", "nix", "fal", "gri", "hup"]


def vocabulary(size: int = 20_000) -> list[str]:
    """Made-up names (hosts, error codes, components) of which real texts have many:
    drawn with a Zipf-like skew, a few are common and most are rare."""
    words = []
    for index in range(size):
        parts, value = [], index
        for _ in range(3):
            parts.append(SYLLABLES[value % len(SYLLABLES)])
            value //= len(SYLLABLES)
        words.append("".join(parts) + str(index % 97))
    return words


WORDS = vocabulary()


def _median_seconds(run, rounds: int) -> float:  # type: ignore[no-untyped-def]
    run()  # warm the caches: both sides are measured warm
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def generate(ctx, first_number: int, incidents: int, events_per: int, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """Rows written in bulk (the services would take hours); the index is built as Cairn builds it."""
    from sqlalchemy import insert

    from cairn.storage.models import ContributingFactor, Incident, IncidentService, Postmortem, TimelineEvent

    rng = random.Random(seed + first_number)

    def names(count: int) -> str:
        return " ".join(WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)] if rng.random() < 0.3 else rng.choice(WORDS) for _ in range(count))

    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    began = time.perf_counter()
    for first in range(first_number, incidents + 1, BATCH):
        numbers = range(first, min(first + BATCH, incidents + 1))
        rows, services, postmortems, factors, events = [], [], [], [], []
        for number in numbers:
            started = start + timedelta(minutes=rng.randint(0, 60 * 24 * 1400))
            cause, service = rng.choice(CAUSES), rng.choice(SERVICES)
            detect, ack = rng.lognormvariate(1.5, 1.0), rng.lognormvariate(1.0, 1.0)
            mitigate = detect + ack + rng.lognormvariate(3.3, 1.0)
            resolve = mitigate + rng.lognormvariate(3.0, 1.2)

            def at(minutes: float | None):  # type: ignore[no-untyped-def]
                return None if minutes is None else started + timedelta(minutes=minutes)

            rows.append({
                "id": number, "number": number, "title": f"{service.capitalize()} degraded: {cause}", "kind": "near miss" if rng.random() < 0.05 else "incident",
                "severity": rng.choice(SEVERITIES), "status": "resolved", "visibility": "restricted" if rng.random() < 0.01 else "internal",
                "timezone": "UTC", "started_at": started, "detected_at": at(detect), "acknowledged_at": at(detect + ack if rng.random() > 0.1 else None),
                "mitigated_at": at(mitigate), "resolved_at": at(resolve), "closed_at": None, "created_at": now, "updated_at": now, "version": 1,
            })
            services.append({"incident_id": number, "name": service, "position": 0})
            if number % 3 == 0:
                postmortems.append({
                    "id": number, "incident_id": number, "status": "published", "template": "default",
                    "summary": f"The {service} service was degraded for {int(resolve)} minutes: {cause} on {names(3)}. The team {rng.choice(STEPS)} and {rng.choice(STEPS)}.",
                    "impact": "", "resolution": f"The team {rng.choice(STEPS)}.", "did_not_work": "", "went_well": "", "went_wrong": "",
                    "got_lucky": "", "surprises": "", "published_at": at(resolve + 60 * 24 * rng.randint(1, 20)), "created_at": now, "updated_at": now, "version": 1,
                })
                factors.append({"postmortem_id": number, "number": 1, "description": f"{cause.capitalize()} on {service}",
                                "category": rng.choice(CATEGORIES), "role": "trigger", "services": [service]})
            for index in range(events_per):
                events.append({"incident_id": number, "at": started + timedelta(minutes=index * 3), "kind": "note",
                               "actor": "bench", "text": f"{rng.choice(STEPS)} while {rng.choice(CAUSES)} on {service} {names(1)} (step {index})",
                               "source": "manual", "source_ref": None, "created_at": now})
        with ctx.db.transaction() as session:
            connection = session.connection()
            connection.execute(insert(Incident.__table__), rows)
            connection.execute(insert(IncidentService.__table__), services)
            if postmortems:
                connection.execute(insert(Postmortem.__table__), postmortems)
                connection.execute(insert(ContributingFactor.__table__), factors)
            connection.execute(insert(TimelineEvent.__table__), events)  # indexed by the triggers of migration 0014
        done = numbers[-1]
        rate = (done - first_number + 1) / (time.perf_counter() - began)
        print(f"\r  generated {done:,} of {incidents:,} incidents ({rate:,.0f}/s)", end="", flush=True)
    print()


def reindex_peak(ctx) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(seconds, peak MiB of Python memory) of a full rebuild of the index."""
    from cairn.storage.search_index import rebuild_all

    tracemalloc.start()
    began = time.perf_counter()
    with ctx.db.transaction() as session:
        rebuild_all(session.connection())
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def raw_fts(session, sqlite: bool, expression: str, limit: int):  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    if sqlite:
        return session.execute(text("SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH :q ORDER BY bm25(search_fts) LIMIT :n"),
                               {"q": expression, "n": limit}).all()
    return session.execute(text("SELECT id, ts_rank_cd(tsv, to_tsquery('english', :q)) AS r FROM search_entries "
                                "WHERE tsv @@ to_tsquery('english', :q) ORDER BY r DESC LIMIT :n"), {"q": expression, "n": limit}).all()


def raw_incident_search(session, sqlite: bool, words: list[str], limit: int):  # type: ignore[no-untyped-def]
    """The same answer as the search, written plainly in SQL: incidents holding every
    word in any of their texts, ranked by their best text, a page, the total and
    the severity counts. (Each word's incidents looked up as a set.)"""
    from sqlalchemy import text

    if sqlite:  # bm25() only in the statement that runs MATCH: the ranked texts come first
        any_words = " OR ".join(f'"{w}"' for w in words)
        ranked = (f"r AS MATERIALIZED (SELECT rowid AS id, -bm25(search_fts) AS s FROM search_fts WHERE search_fts MATCH '{any_words}'), "
                  "texts AS (SELECT e.incident_id, r.s FROM r JOIN search_entries e ON e.id = r.id)")
        holds = ("SELECT e.incident_id FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
                 "WHERE search_fts MATCH '\"{w}\"'")
    else:
        any_words = " | ".join(words)
        ranked = (f"texts AS (SELECT incident_id, ts_rank_cd(tsv, to_tsquery('english', '{any_words}')) AS s FROM search_entries "
                  f"WHERE tsv @@ to_tsquery('english', '{any_words}'))")
        holds = "SELECT incident_id FROM search_entries WHERE tsv @@ to_tsquery('english', '{w}')"
    every = " AND ".join(f"incident_id IN ({holds.format(w=w)})" for w in words)
    statement = (f"WITH {ranked}, m AS MATERIALIZED (SELECT incident_id, max(s) AS s FROM texts GROUP BY incident_id HAVING {every}) "
                 f"SELECT * FROM (SELECT 'hit', m.incident_id, m.s FROM m ORDER BY m.s DESC LIMIT {limit}) AS page "
                 "UNION ALL SELECT 'total', NULL, count(*) FROM m "
                 "UNION ALL SELECT i.severity, NULL, count(*) FROM m JOIN incidents i ON i.id = m.incident_id GROUP BY i.severity")
    return session.execute(text(statement)).all()


def raw_percentiles(session, sqlite: bool):  # type: ignore[no-untyped-def]
    """The page's percentiles written plainly in SQL, for every measure, over all
    incidents, per severity and per month: window functions on SQLite (it has no
    percentile aggregate), percentile_cont with grouping sets on PostgreSQL."""
    from sqlalchemy import text

    ends = {"detect": ("started_at", "detected_at"), "acknowledge": ("detected_at", "acknowledged_at"),
            "mitigate": ("started_at", "mitigated_at"), "resolve": ("started_at", "resolved_at")}
    rows = []
    for start, end in ends.values():
        if sqlite:
            span = f"(julianday({end}) - julianday({start})) * 86400"
            for group in ("'all'", "severity", "substr(started_at, 1, 7)"):
                rows += session.execute(text(
                    f"SELECT g, span FROM (SELECT {group} AS g, {span} AS span, row_number() OVER (PARTITION BY {group} ORDER BY {span}) AS n, "
                    f"count(*) OVER (PARTITION BY {group}) AS c FROM incidents WHERE {span} >= 0) AS ranked "
                    "WHERE n IN (1, c, 1 + (c - 1) / 4, 1 + (c - 1) / 2, 1 + 3 * (c - 1) / 4, 1 + 9 * (c - 1) / 10)"
                )).all()
        else:
            span = f"extract(epoch from ({end} - {start}))"
            rows += session.execute(text(
                f"SELECT severity, to_char({start}, 'YYYY-MM') AS month, percentile_cont(ARRAY[0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY {span}), "
                f"min({span}), max({span}), count(*) FROM incidents WHERE {span} >= 0 GROUP BY GROUPING SETS ((), (severity), (month))"
            )).all()
    return rows


def raw_aggregate(session, sqlite: bool):  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    if sqlite:
        span = "(julianday({end}) - julianday(started_at)) * 86400"
    else:
        span = "extract(epoch from ({end} - started_at))"
    columns = ", ".join(f"avg({span.format(end=end)}), count({end})" for end in ("detected_at", "mitigated_at", "resolved_at"))
    columns += f", avg({span.format(end='acknowledged_at').replace('started_at', 'detected_at')}), count(acknowledged_at)"
    return session.execute(text(f"SELECT severity, count(*), {columns} FROM incidents GROUP BY severity")).all()


def index_share(ctx, sqlite: bool, path: Path | None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(MiB of the index, MiB of everything else)."""
    from sqlalchemy import text

    with ctx.db.transaction() as session:
        if not sqlite:
            index = session.scalar(text("SELECT pg_total_relation_size('search_entries')"))
            total = session.scalar(text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                        "WHERE n.nspname = 'public' AND c.relkind = 'r'"))
            return float(index) / 2**20, float(total - index) / 2**20
        try:
            rows = session.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
        except Exception:  # SQLite without dbstat: the whole file only
            size = path.stat().st_size if path else 0
            return float("nan"), size / 2**20
    index = sum(size for name, size in rows if name.startswith("search_") or name.startswith("ix_search_") or name == "sqlite_autoindex_search_entries_1")
    return index / 2**20, (sum(size for _name, size in rows) - index) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10, help="timeline events per incident")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL whose database may be emptied")
    args = parser.parse_args()

    from sqlalchemy import text

    from cairn.config import Settings
    from cairn.services.context import open_context
    from cairn.services.incidents import require_incident
    from cairn.services.insights.metrics import MetricsFilter, metrics
    from cairn.services.insights.similar import _profiles, _texts, query_terms, similar_incidents
    from cairn.services.search import search
    from cairn.storage.db import Database
    from cairn.web.pages.insights import MAX_DOTS, _charts

    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / "bench.db"
    url = args.postgres or os.environ.get("CAIRN_BENCH_PG_URL")
    if url:
        db = Database(url)
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.dispose()
    settings = Settings(database_url=url or f"sqlite:///{path}", data_dir=Path(folder.name), timezone="UTC")
    ctx = open_context(settings)
    sqlite = ctx.db.dialect == "sqlite"
    print(f"{ctx.db.dialect}: {args.incidents:,} incidents, {args.incidents * args.events:,} timeline events")
    quarter = args.incidents // 4
    generate(ctx, 1, quarter, args.events)
    small_seconds, small_peak = reindex_peak(ctx)  # at a quarter of the size: the peak must not grow with it
    generate(ctx, quarter + 1, args.incidents, args.events)
    seconds, peak = reindex_peak(ctx)
    print(f"reindex: {small_seconds:.1f} s and peak {small_peak:.1f} MiB at {quarter:,} incidents; "
          f"{seconds:.1f} s and peak {peak:.1f} MiB at {args.incidents:,} (ratio of peaks {peak / small_peak:.2f}; flat is ~1)")

    query = "connection pool exhausted"
    with ctx.db.transaction() as session:
        expression = " AND ".join(f'"{word}"' for word in query.split()) if sqlite else " & ".join(query.split())
        search_raw = _median_seconds(lambda: raw_fts(session, sqlite, expression, 20), args.rounds)
    search_ours = _median_seconds(lambda: search(ctx, query, limit=20), args.rounds)
    print(f"search {query!r}: {search_ours * 1000:.1f} ms against a raw full-text query {search_raw * 1000:.1f} ms: ratio {search_ours / search_raw:.2f} (goal <= 1.5)")
    with ctx.db.transaction() as session:
        same_raw = _median_seconds(lambda: raw_incident_search(session, sqlite, query.split(), 20), args.rounds)
    print(f"  the same answer (ranked incidents, total, facets) written plainly in SQL: {same_raw * 1000:.1f} ms: ratio {search_ours / same_raw:.2f}")

    key = f"{settings.key_prefix}-{args.incidents - 3}"
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        terms = query_terms(session, _profiles(session, [incident.id], _texts(session, [incident.id], events=300))[incident.id].terms)
        any_terms = " OR ".join(f'"{t}"' for t in terms) if sqlite else " | ".join(terms)
        similar_raw = _median_seconds(lambda: raw_fts(session, sqlite, any_terms or '"nothing"', 60), args.rounds)
    similar_ours = _median_seconds(lambda: similar_incidents(ctx, key), args.rounds)
    print(f"similar incidents of {key}: {similar_ours * 1000:.1f} ms against one raw full-text query of its {len(terms)} distinctive words "
          f"{similar_raw * 1000:.1f} ms: ratio {similar_ours / similar_raw:.2f} (goal <= 3)")

    with ctx.db.transaction() as session:
        aggregate_raw = _median_seconds(lambda: raw_aggregate(session, sqlite), args.rounds)

    def page() -> None:
        result = metrics(ctx, MetricsFilter(), by="severity", points=MAX_DOTS)  # as /insights asks
        _charts(result, "resolve", settings.severities)

    page_ours = _median_seconds(page, args.rounds)
    print(f"metrics page figures and charts: {page_ours * 1000:.1f} ms against one raw SQL aggregation {aggregate_raw * 1000:.1f} ms: "
          f"ratio {page_ours / aggregate_raw:.2f} (goal <= 2)")
    with ctx.db.transaction() as session:
        percentiles_raw = _median_seconds(lambda: raw_percentiles(session, sqlite), max(3, args.rounds // 2))
    print(f"  the page's percentiles (overall, per severity, per month) written plainly in SQL: {percentiles_raw * 1000:.1f} ms: "
          f"ratio {page_ours / percentiles_raw:.2f}")

    index_mib, data_mib = index_share(ctx, sqlite, path)
    print(f"index size: {index_mib:.1f} MiB against {data_mib:.1f} MiB of data: ratio {index_mib / data_mib:.2f}")
    ctx.db.dispose()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Import a file into an incident's timeline: one transaction, idempotent.

Records already imported (same source and reference) are skipped, so
importing the same file twice changes nothing. Rejected records are reported
with their file and line; a file that is not the claimed format is refused
whole. Key moments are proposed from the data, not set: the user confirms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cairn.analysis.gaps import Gap, quiet_gaps
from cairn.domain.enums import KeyMoment
from cairn.domain.times import now_utc, parse_when, require_zone
from cairn.errors import ImportFailed
from cairn.importers.base import (
    ImportOptions,
    Progress,
    RawEvent,
    Rejected,
    detect,
    importers,
    refuse_nul,
)
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import moments_of
from cairn.services.incidents import key_of, require_incident, touch

BATCH = 2000
REJECTED_KEPT = 200  # reasons listed in the summary; the count is always exact

# Which event kinds propose which key moment (first occurrence; resolution: last).
PROPOSALS = {
    KeyMoment.DETECTED: ("alert", "detection"),
    KeyMoment.ACKNOWLEDGED: ("acknowledgement",),
    KeyMoment.MITIGATED: ("mitigation",),
    KeyMoment.RESOLVED: ("resolution",),
}
MOMENT_OF_KIND = {kind: moment for moment, kinds in PROPOSALS.items() for kind in kinds}


@dataclass
class ImportSummary:
    key: str
    source: str
    added: int = 0
    duplicates: int = 0
    filtered: int = 0
    rejected: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    proposals: dict[KeyMoment, tuple[datetime, str]] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)


def import_timeline(
    ctx: Context,
    key: str,
    path: Path,
    *,
    source: str | None = None,
    options: ImportOptions | None = None,
    since: str | None = None,
    until: str | None = None,
    tz: str | None = None,
    level: str | None = None,
    log_format: str | None = None,
    channel: str | None = None,
    progress: Progress = lambda _done: None,
    gap_threshold: timedelta = timedelta(minutes=20),
) -> ImportSummary:
    """Import `path`. Give ready `options`, or the user's words (since, until in
    the --at forms, read in `tz` or the incident's zone; level, format, channel)."""
    if not path.exists():
        raise ImportFailed("no such file or folder", source=str(path))
    importer = _importer(path, source)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        zone = require_zone(tz or incident.timezone)
        opts = options or ImportOptions(
            zone=zone,
            since=parse_when(since, zone) if since else None,
            until=parse_when(until, zone) if until else None,
            level=level,
            log_format=log_format.strip().lower() if log_format else None,
            channel=channel,
        )
        if opts.year is None and incident.started_at is not None:
            opts = replace(opts, year=incident.started_at.astimezone(zone).year)
        summary = ImportSummary(key=key_of(ctx, incident), source=importer.name)
        firsts = store_records(session, incident, importer.read(path, opts, progress), summary)
        current = moments_of(incident)
        summary.proposals = {m: v for m, v in firsts.items() if current.get(m) != v[0]}
        times = _event_times(session, incident.id)
        summary.gaps = quiet_gaps(times, threshold=gap_threshold, start=incident.started_at, end=incident.resolved_at)
        if summary.added:
            touch(incident)
            record(
                session,
                ctx.actor,
                "timeline.imported",
                incident,
                {"source": importer.name, "file": path.name, "added": summary.added, "duplicates": summary.duplicates},
            )
        return summary


def store_records(session, incident, records, summary: ImportSummary) -> dict[KeyMoment, tuple[datetime, str]]:  # type: ignore[no-untyped-def]
    """Add new records to `incident` in batches; count duplicates, filtered, rejected.

    Memory stays flat whatever the input size: duplicates are left to the
    database's unique (incident, source, reference) constraint, and the rows
    that were really inserted are counted from the driver's rowcount. This
    loop runs once per record, so it keeps to plain tuples and local names.
    """
    records = refuse_nul(records)
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    sql = _INSERT_SQL.format(placeholder="?" if connection.dialect.paramstyle == "qmark" else "%s")
    batch: dict[tuple[str, str], tuple] = {}
    firsts: dict[KeyMoment, tuple[datetime, str]] = {}
    created = _db_time(now_utc(), sqlite)
    incident_id = incident.id
    moment_of_kind = MOMENT_OF_KIND.get

    def flush() -> None:
        if batch:
            # Plain executemany: the ORM's per-row work costs more than the database write.
            inserted = connection.exec_driver_sql(sql, list(batch.values())).rowcount
            summary.added += inserted
            summary.duplicates += len(batch) - inserted
            batch.clear()

    for item in records:
        if type(item) is not RawEvent:
            if isinstance(item, Rejected):
                summary.rejected += 1
                if len(summary.rejections) < REJECTED_KEPT:
                    summary.rejections.append(item)
            else:
                summary.filtered += 1
            continue
        at, kind, text, actor, source, ref, _where = item
        if at.tzinfo is not timezone.utc:
            at = at.astimezone(timezone.utc)
        if len(ref) > 300:
            ref = stored_ref(ref)
        slot = (source, ref)
        if slot in batch:
            summary.duplicates += 1
            continue
        moment = moment_of_kind(kind)
        if moment is not None:
            _note_proposal(firsts, moment, at, text)
        stored_at = at.isoformat(" ", "microseconds")[:26] if sqlite else at  # _db_time, inlined: `at` is UTC here
        batch[slot] = (incident_id, stored_at, kind, actor, text, source, ref, created)
        if len(batch) >= BATCH:
            flush()
    flush()
    return firsts


_INSERT_SQL = (
    "INSERT INTO timeline_events (incident_id, at, kind, actor, text, source, source_ref, created_at) "
    "VALUES ({placeholder}, {placeholder}, {placeholder}, {placeholder}, {placeholder}, {placeholder}, {placeholder}, {placeholder}) "
    "ON CONFLICT (incident_id, source, source_ref) DO NOTHING"
)


def _event_times(session, incident_id: int) -> Iterator[datetime]:  # type: ignore[no-untyped-def]
    """Every event time of the incident in order, streamed; read raw, since the
    column type's per-row conversion costs more than the query."""
    connection = session.connection()
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # Per statement: Connection.execution_options() would change the session's connection for good.
    result = connection.exec_driver_sql(
        f"SELECT at FROM timeline_events WHERE incident_id = {placeholder} ORDER BY at", (incident_id,),
        execution_options={"stream_results": True},
    )
    sqlite = connection.dialect.name == "sqlite"
    for partition in result.partitions(10_000):
        if sqlite:  # naive UTC text
            yield from (datetime.fromisoformat(f"{row[0]}+00:00") for row in partition)
        else:
            yield from (row[0] for row in partition)


def _db_time(moment: datetime, sqlite: bool):  # type: ignore[no-untyped-def]
    """What the UTC column type would store: naive UTC text on SQLite, aware values elsewhere."""
    if sqlite:
        utc = moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)
        return utc.isoformat(" ", "microseconds")[:26]  # "+00:00" cut off: cheaper than replace(tzinfo=None)
    return moment


def _importer(path: Path, source: str | None):  # type: ignore[no-untyped-def]
    if source is None:
        return detect(path)
    available = importers()
    chosen = available.get(source.strip().lower())
    if chosen is None:
        raise ImportFailed(f"unknown source {source!r}: choose one of {', '.join(available)}", source=str(path))
    return chosen


def _note_proposal(firsts: dict[KeyMoment, tuple[datetime, str]], moment: KeyMoment, at: datetime, text: str) -> None:
    """The first alert, acknowledgement and mitigation, and the last resolution."""
    seen = firsts.get(moment)
    later_wins = moment == KeyMoment.RESOLVED
    if seen is None or (at > seen[0] if later_wins else at < seen[0]):
        firsts[moment] = (at, text[:120])


def stored_ref(ref: str) -> str:
    """References longer than the column are kept as a digest, so they stay unique."""
    if len(ref) <= 300:
        return ref
    return "sha1:" + hashlib.sha1(ref.encode("utf-8", "surrogatepass")).hexdigest()



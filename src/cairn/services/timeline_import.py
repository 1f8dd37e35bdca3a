"""Import a file into an incident's timeline: one transaction, idempotent.

Records already imported (same source and reference) are skipped, so
importing the same file twice changes nothing. Rejected records are reported
with their file and line; a file that is not the claimed format is refused
whole. Key moments are proposed from the data, not set: the user confirms.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event

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
from cairn.storage.db import retry_stale
from cairn.storage.models import TimelineImport

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
    import_id: int | None = None  # the recorded import, to list or undo; None when nothing was added


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
    time_format: str | None = None,
    channel: str | None = None,
    progress: Progress = lambda _done: None,
    gap_threshold: timedelta = timedelta(minutes=20),
) -> ImportSummary:
    """Import `path`. Give ready `options`, or the user's words (since, until in
    the --at forms, read in `tz` or the incident's zone; level, format family
    or strptime time format, channel).

    Three steps, so that the database's one writer (SQLite) is held only
    briefly: a short read of what the import needs; reading and checking the
    whole file into a private staging file, outside any transaction; then one
    short transaction that inserts the staged rows (`insert_staged`). A file
    that fails half way has written nothing, and the long part blocks nobody;
    the quiet-gap scan afterwards only reads.
    """
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
            time_format=time_format.strip() if time_format and time_format.strip() else None,
            channel=channel,
        )
        if opts.near is None and incident.started_at is not None:
            opts = replace(opts, near=incident.started_at)
        if opts.year is None and incident.started_at is not None:
            opts = replace(opts, year=incident.started_at.astimezone(zone).year)
        opts = replace(
            opts,
            max_unzipped_bytes=ctx.settings.import_zip_max_bytes,
            max_zip_ratio=ctx.settings.import_zip_max_ratio,
        )
        summary = ImportSummary(key=key_of(ctx, incident), source=importer.name)
    with Staging() as staging:
        firsts = staging.take(refuse_nul(importer.read(path, opts, progress)), summary)
        _write_staged(ctx, key, staging, summary, firsts, importer.name, path.name)
    with ctx.db.transaction() as session:  # read only: the gap scan waits for no writer
        incident = require_incident(session, ctx, key)
        summary.gaps = _quiet_gaps(session, incident.id, gap_threshold, incident.started_at, incident.resolved_at)
    return summary


@retry_stale
def _write_staged(ctx: Context, key: str, staging: "Staging", summary: ImportSummary, firsts, source: str, file_name: str) -> None:  # type: ignore[no-untyped-def]
    """The one short write transaction of an import, retried on its own when a
    concurrent change to the incident wins the version compare-and-swap (a
    responder logging an event meanwhile): the staged file is not read again.

    The import is recorded in the same transaction, and every event it adds
    carries the record's id, so that it can be undone. An import that added
    nothing leaves no record: it changed nothing, so there is nothing to undo.
    """
    added, duplicates = summary.added, summary.duplicates
    try:
        with ctx.db.transaction() as session:
            incident = require_incident(session, ctx, key, write=True)  # still there, still writable
            batch = TimelineImport(
                incident_id=incident.id, source=source[:30], file_name=file_name[:200], actor=ctx.actor,
                created_at=now_utc(), added=0, duplicates=0, filtered=summary.filtered, rejected=summary.rejected,
            )
            insert_staged(session, incident, staging, summary, batch)
            current = moments_of(incident)
            summary.proposals = {m: v for m, v in firsts.items() if current.get(m) != v[0]}
            if summary.added:
                batch.added, batch.duplicates = summary.added, summary.duplicates
                touch(incident)
                record(
                    session,
                    ctx.actor,
                    "timeline.imported",
                    incident,
                    {"import": batch.id, "source": source, "file": batch.file_name, "added": summary.added, "duplicates": summary.duplicates},
                )
                summary.import_id = batch.id
            else:
                session.delete(batch)
    except BaseException:
        summary.added, summary.duplicates, summary.import_id = added, duplicates, None  # rolled back: the counts too
        raise


def require_importable(ctx: Context, key: str) -> str:
    """The incident's key, if the user may import into it: one row read, not the
    whole incident (which, after a large import, is a large read)."""
    with ctx.db.transaction() as session:
        return key_of(ctx, require_incident(session, ctx, key, write=True))


def summary_data(summary: ImportSummary, path: Path, label: str) -> dict[str, Any]:
    """The summary as JSON data (API answers, a job's record); places in the
    file are named by `label`, the name the user knows, not the server's path."""
    return {
        "incident": summary.key,
        "import": summary.import_id,
        "source": summary.source,
        "added": summary.added,
        "duplicates": summary.duplicates,
        "filtered": summary.filtered,
        "rejected": summary.rejected,
        "rejections": [{"where": r.where.replace(str(path), label), "reason": r.reason} for r in summary.rejections],
        "proposed_moments": {m.value: {"at": at.isoformat(), "from": text} for m, (at, text) in summary.proposals.items()},
        "quiet_gaps": [{"from": g.start.isoformat(), "to": g.end.isoformat()} for g in summary.gaps],
    }


class Staging:
    """The records of one import, checked in a private SQLite file before
    anything touches the real database.

    A file, not a list: memory stays flat whatever the input size. It lives in
    the temporary directory and goes away with the import. The table has no
    index, so that staging a row is an append: repeats within the file are
    left, like repeats of events already on the timeline, to the real table's
    unique (incident, source, reference) constraint when the rows are
    inserted, and counted there as staged minus inserted. The first of
    repeats wins, since rows are inserted in file order.
    """

    def __enter__(self) -> "Staging":
        self._folder = tempfile.TemporaryDirectory(prefix="cairn-staging-")
        self.path = Path(self._folder.name) / "staging.db"
        self.count = 0
        self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=OFF")
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute(
            "CREATE TABLE rows (at TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT, text TEXT NOT NULL, "
            "source TEXT NOT NULL, ref TEXT NOT NULL, level TEXT, component TEXT)"
        )
        self.connection.execute("BEGIN")
        limit = getattr(self.connection, "getlimit", None)  # Python 3.11+
        variables = limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if limit is not None else 999
        self._rows_per_statement = max(1, min(ROWS_PER_STATEMENT, variables // len(_STAGE_COLUMNS)))
        return self

    def __exit__(self, *_exc: object) -> None:
        self.connection.close()
        self._folder.cleanup()

    def take(self, records, summary: ImportSummary) -> dict[KeyMoment, tuple[datetime, str]]:  # type: ignore[no-untyped-def]
        """Stage every record read; count filtered and rejected records.

        This loop runs once per record, so it keeps to plain tuples and local
        names; rows are written thousands to a statement, which costs SQLite
        far less per row than a statement per row (executemany)."""
        connection = self.connection
        per_statement = self._rows_per_statement
        width = len(_STAGE_COLUMNS) * per_statement
        many_rows = _stage_sql(per_statement)
        flat: list = []  # the statement's parameters, row after row
        extend = flat.extend
        staged = 0
        firsts: dict[KeyMoment, tuple[datetime, str]] = {}
        moment_of_kind = MOMENT_OF_KIND
        minutes: dict[int, str] = {}
        utc = timezone.utc
        for item in records:
            if type(item) is not RawEvent:
                if isinstance(item, Rejected):
                    summary.rejected += 1
                    if len(summary.rejections) < REJECTED_KEPT:
                        summary.rejections.append(item)
                else:
                    summary.filtered += 1
                continue
            at, kind, text, actor, source, ref, _where, level, component = item
            if at.tzinfo is not utc:
                at = at.astimezone(utc)
            if len(ref) > 300:
                ref = stored_ref(ref)
            if kind in moment_of_kind:
                _note_proposal(firsts, moment_of_kind[kind], at, text)
            # The time as naive UTC text, as the column type stores it on SQLite: what
            # at.isoformat(" ", "microseconds")[:26] gives, for a fraction of its cost.
            span = at - _EPOCH
            seconds = span.seconds
            minute = span.days * 1440 + seconds // 60
            prefix = minutes.get(minute)
            if prefix is None:
                prefix = _minute_text(minutes, minute)
            extend((f"{prefix}{_SECONDS[seconds % 60]}{span.microseconds:06d}", kind, actor, text, source, ref, level, component))
            if len(flat) >= width:
                connection.execute(many_rows, flat)
                staged += per_statement
                flat.clear()
        if flat:
            connection.execute(_stage_sql(len(flat) // len(_STAGE_COLUMNS)), flat)
            staged += len(flat) // len(_STAGE_COLUMNS)
        connection.execute("COMMIT")
        self.count = staged
        return firsts

    def rows(self, *, numbered: bool = False) -> Iterator[tuple]:
        """(at as naive UTC text, kind, actor, text, source, ref, level, component) in file order;
        `numbered` puts each row's place in the file first."""
        columns = "rowid, at, kind, actor, text, source, ref, level, component" if numbered else "at, kind, actor, text, source, ref, level, component"
        cursor = self.connection.execute(f"SELECT {columns} FROM rows ORDER BY rowid")
        while chunk := cursor.fetchmany(BATCH):
            yield from chunk


_STAGE_COLUMNS = ("at", "kind", "actor", "text", "source", "ref", "level", "component")
ROWS_PER_STATEMENT = 4000  # 32,000 parameters: within SQLite's limit (32,766 since 3.32)


def _stage_sql(rows: int) -> str:
    return "INSERT INTO rows VALUES " + ", ".join([f"({', '.join('?' * len(_STAGE_COLUMNS))})"] * rows)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECONDS = [f"{second:02d}." for second in range(60)]


def _minute_text(minutes: dict[int, str], minute: int) -> str:
    """The text "YYYY-MM-DD HH:MM:" of a minute counted from 1970, remembered (a bounded number of them)."""
    if len(minutes) >= 4096:
        minutes.clear()
    text = minutes[minute] = (_EPOCH + timedelta(minutes=minute)).isoformat(" ")[:17]
    return text


def insert_staged(session, incident, staging: Staging, summary: ImportSummary, batch: TimelineImport) -> None:  # type: ignore[no-untyped-def]
    """Insert the staged rows, each carrying the id of `batch`, the import's
    record (added to the session here); rows already on the timeline or
    earlier in the file (same source and reference) are left to the unique
    constraint and counted as duplicates, and keep the import that first
    added them.

    On SQLite this is one INSERT ... SELECT from the attached staging file, so
    the writer's lock is held for the database's own work only, not for a
    Python loop; on PostgreSQL (psycopg) the rows are copied (COPY) into a
    temporary table and inserted from there by one INSERT ... SELECT, in the
    same transaction; elsewhere (and should a SQLite connection already be in
    a transaction, where SQLite cannot attach) batched executemany. The
    staging file is attached before the record is written: once a write has
    begun the transaction, SQLite can no longer attach.
    """
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    created = _db_time(now_utc(), sqlite)
    way = _insert_way(connection)
    if way == "attach":
        _attach(connection.engine, connection.connection.driver_connection, staging.path)
    session.add(batch)
    session.flush()  # the record's id, for its events
    import_id = batch.id
    if way == "attach":
        inserted = connection.exec_driver_sql(_INSERT_STAGED_SQL, (incident.id, created, import_id)).rowcount
    elif way == "copy":
        inserted = _copy_staged(connection.connection.driver_connection, staging, incident.id, created, import_id)
    else:
        inserted = _insert_batched(connection, sqlite, staging, incident.id, created, import_id)
    summary.added += inserted
    summary.duplicates += staging.count - inserted


def _insert_way(connection) -> str:  # type: ignore[no-untyped-def]
    """How the staged rows go in: "attach" (SQLite, while the transaction has
    written nothing), "copy" (PostgreSQL through psycopg), else "batched"."""
    dialect = connection.dialect
    if dialect.name == "sqlite":
        return "batched" if connection.connection.driver_connection.in_transaction else "attach"
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        return "copy"
    return "batched"


def _copy_staged(raw, staging: Staging, incident_id: int, created: datetime, import_id: int) -> int:  # type: ignore[no-untyped-def]
    """PostgreSQL: COPY the staged rows into a temporary table, then one INSERT
    ... SELECT in file order; the number of rows inserted."""
    with raw.cursor() as cursor:
        cursor.execute(_PG_STAGED_TABLE)
        with cursor.copy(f"COPY {_PG_STAGED} (seq, at, kind, actor, text, source, ref, level, component) FROM STDIN") as copy:
            write_row = copy.write_row
            for row in staging.rows(numbered=True):
                write_row(row)
        cursor.execute(_PG_INSERT_STAGED_SQL, (incident_id, created, import_id))
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {_PG_STAGED}")
    return inserted


def _insert_batched(connection, sqlite: bool, staging: Staging, incident_id: int, created, import_id: int) -> int:  # type: ignore[no-untyped-def]
    sql = _INSERT_IMPORTED_SQL.format(placeholder="?" if connection.dialect.paramstyle == "qmark" else "%s")
    fromiso = datetime.fromisoformat
    rows: list[tuple] = []
    inserted = 0
    for at, kind, actor, text, source, ref, level, component in staging.rows():
        rows.append((incident_id, at if sqlite else fromiso(f"{at}+00:00"), kind, actor, text, source, ref, level, component, created, import_id))
        if len(rows) >= BATCH:
            # Plain executemany: the ORM's per-row work costs more than the database write.
            inserted += connection.exec_driver_sql(sql, rows).rowcount
            rows.clear()
    if rows:
        inserted += connection.exec_driver_sql(sql, rows).rowcount
    return inserted


STAGING_SCHEMA = "cairn_staging"
_INSERT_STAGED_SQL = (
    "INSERT INTO main.timeline_events (incident_id, at, kind, actor, text, source, source_ref, level, component, created_at, import_id) "
    f"SELECT ?, at, kind, actor, text, source, ref, level, component, ?, ? FROM {STAGING_SCHEMA}.rows ORDER BY rowid "
    "ON CONFLICT (incident_id, source, source_ref) DO NOTHING"
)
_PG_STAGED = "cairn_staged_events"
_PG_STAGED_TABLE = (
    f"CREATE TEMPORARY TABLE {_PG_STAGED} (seq bigint NOT NULL, at timestamp NOT NULL, kind text NOT NULL, actor text, "
    "text text NOT NULL, source text NOT NULL, ref text NOT NULL, level text, component text) ON COMMIT DROP"
)
_PG_INSERT_STAGED_SQL = (
    "INSERT INTO timeline_events (incident_id, at, kind, actor, text, source, source_ref, level, component, created_at, import_id) "
    f"SELECT %s, at AT TIME ZONE 'UTC', kind, actor, text, source, ref, level, component, %s, %s FROM {_PG_STAGED} ORDER BY seq "
    "ON CONFLICT (incident_id, source, source_ref) DO NOTHING"
)


def _attach(engine, raw, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Attach the staging file to this pooled connection until it goes back to
    the pool (after its commit or rollback), where it is detached again."""
    if not event.contains(engine, "checkin", _detach_staging):
        event.listen(engine, "checkin", _detach_staging)
    raw.execute(f"ATTACH DATABASE ? AS {STAGING_SCHEMA}", (str(path),))


def _detach_staging(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    try:
        names = [row[1] for row in dbapi_connection.execute("PRAGMA database_list")]
        if STAGING_SCHEMA in names:
            dbapi_connection.execute(f"DETACH DATABASE {STAGING_SCHEMA}")
    except sqlite3.Error:  # a broken connection is discarded by the pool anyway
        pass


def store_records(session, incident, records, summary: ImportSummary) -> dict[KeyMoment, tuple[datetime, str]]:  # type: ignore[no-untyped-def]
    """Add new records to `incident` in batches, inside the caller's transaction:
    for small payloads (the live receiver); files go through `Staging`.
    Counts duplicates, filtered, rejected.

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
        at, kind, text, actor, source, ref, _where, level, component = item
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
        batch[slot] = (incident_id, stored_at, kind, actor, text, source, ref, level, component, created)
        if len(batch) >= BATCH:
            flush()
    flush()
    return firsts


_COLUMNS = "incident_id, at, kind, actor, text, source, source_ref, level, component, created_at"
_INSERT_SQL = (
    f"INSERT INTO timeline_events ({_COLUMNS}) VALUES ({{placeholder}}{', {placeholder}' * 9}) "
    "ON CONFLICT (incident_id, source, source_ref) DO NOTHING"
)
_INSERT_IMPORTED_SQL = (
    f"INSERT INTO timeline_events ({_COLUMNS}, import_id) VALUES ({{placeholder}}{', {placeholder}' * 10}) "
    "ON CONFLICT (incident_id, source, source_ref) DO NOTHING"
)


def _quiet_gaps(session, incident_id: int, threshold: timedelta, start: datetime | None, end: datetime | None) -> list[Gap]:  # type: ignore[no-untyped-def]
    """`quiet_gaps` of the incident's event times within [start, end], without
    making a datetime of every event: the database gives each time also as
    approximate seconds (milliseconds off at most), and only the neighbours
    that these put within a second of the threshold or further apart are
    compared exactly, pair by pair, by `quiet_gaps` itself, as are the first
    time with `start` and the last with `end`. The same gaps, in the same
    order, as `quiet_gaps` over every time; the times are streamed."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    conditions, parameters = [f"incident_id = {placeholder}"], [incident_id]
    if start is not None:  # on SQLite the naive UTC texts compare as the times do
        conditions.append(f"at >= {placeholder}")
        parameters.append(_db_time(start, sqlite))
    if end is not None:
        conditions.append(f"at <= {placeholder}")
        parameters.append(_db_time(end, sqlite))
    seconds = "julianday(at) * 86400.0" if sqlite else "CAST(extract(epoch FROM at) AS double precision)"
    sql = f"SELECT at, {seconds} FROM timeline_events WHERE {' AND '.join(conditions)} ORDER BY at"
    # The driver's own cursor, streamed (server side on PostgreSQL): rows of the
    # ORM's result cost more than the query itself.
    raw = connection.connection.driver_connection
    cursor = raw.cursor() if sqlite else raw.cursor(name="cairn_quiet_gaps")
    exact = _naive_utc if sqlite else _same
    near = threshold.total_seconds() - 1.0  # closer than this, certainly no gap
    gaps: list[Gap] = []
    previous = previous_seconds = None
    try:
        cursor.execute(sql, tuple(parameters))
        while chunk := cursor.fetchmany(10_000):
            for at, at_seconds in chunk:
                if previous is None:
                    gaps += quiet_gaps([exact(at)], threshold=threshold, start=start)  # before the first event
                elif at_seconds - previous_seconds > near:
                    gaps += quiet_gaps([exact(previous), exact(at)], threshold=threshold)
                previous, previous_seconds = at, at_seconds
    finally:
        cursor.close()
    if previous is None:
        return quiet_gaps([], threshold=threshold, start=start, end=end)
    return gaps + quiet_gaps([exact(previous)], threshold=threshold, end=end)  # after the last event


def _naive_utc(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+00:00")


def _same(value: datetime) -> datetime:
    return value


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



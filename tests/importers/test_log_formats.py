"""Every timestamp family on a fixture written for it: detected without being
named, each line's time exact, level and component kept as data."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cairn.errors import ImportFailed
from cairn.importers.base import ImportOptions, RawEvent, Rejected
from cairn.importers.logfile import LogFileImporter
from cairn.importers.timestamps import FORMATS, detect_format, strptime_format

LOGS = Path(__file__).parent / "logs"
UTC = ZoneInfo("UTC")
NEAR = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def read(path: Path, **options) -> list:
    settings = {"zone": UTC, "near": NEAR, **options}
    return list(LogFileImporter().read(path, ImportOptions(**settings), lambda _d: None))


def events(records: list) -> list[RawEvent]:
    return [r for r in records if isinstance(r, RawEvent)]


# file, family detected, every event's UTC time, levels, components
CASES = [
    ("apache_error.log", "ctime", [utc(2026, 11, 25, 23, 58, 10), utc(2026, 11, 25, 23, 59, 2), utc(2026, 11, 26, 0, 0, 41)],
     ["notice", "error", "error"], [None, None, None]),
    ("apache24_error.log", "ctime",
     [utc(2026, 11, 26, 9, 14, 3, 250113), utc(2026, 11, 26, 9, 14, 7, 981), utc(2026, 11, 26, 9, 14, 7, 990)],
     ["notice", "error", "error"], ["mpm_event", "proxy", "proxy_http"]),
    ("ctime_plain.log", "ctime", [utc(2026, 11, 26, 12, 50), utc(2026, 11, 26, 12, 50, 30)], [None, None], [None, None]),
    ("logcat.txt", "logcat",
     [utc(2026, 11, 26, 9, 30, 0, 101000), utc(2026, 11, 26, 9, 30, 2, 557000), utc(2026, 11, 26, 9, 30, 4, 3000), utc(2026, 11, 26, 9, 30, 4, 10000)],
     ["info", "debug", "error", "warning"], ["ActivityManager", "ShopSync", "ShopSync", "System.err"]),
    ("spark.log", "yy-slash", [utc(2026, 11, 26, 10, 2, 11), utc(2026, 11, 26, 10, 2, 15), utc(2026, 11, 26, 10, 2, 16)],
     ["info", "warning", "error"], ["storage.BlockManager", "scheduler.TaskSetManager", "executor.Executor"]),
    ("hdfs.log", "compact", [utc(2026, 11, 26, 10, 15), utc(2026, 11, 26, 10, 15, 2), utc(2026, 11, 26, 10, 15, 3)],
     ["info", "warning", "info"], ["dfs.DataNode$DataXceiver", "dfs.DataNode$DataXceiver", "dfs.FSNamesystem"]),
    ("health.log", "compact-ms",
     [utc(2026, 11, 26, 10, 20, 1, 412000), utc(2026, 11, 26, 10, 20, 3, 7000), utc(2026, 11, 26, 10, 20, 9, 880000)],
     [None, None, None], ["Step_Counter", "Step_Upload", "Step_Upload"]),
    ("ras.log", "epoch-dated",
     # the epoch gives the time; the local time beside it, agreeing to the second, its microseconds
     [utc(2026, 11, 26, 10, 20, 0, 314159), utc(2026, 11, 26, 10, 21, 0, 100), utc(2026, 11, 26, 10, 22, 0, 271828), utc(2026, 11, 26, 10, 23)],
     ["info", "warning", "critical", None], ["KERNEL", "KERNEL", "KERNEL", "crond(pam_unix)"]),
    ("hpc.log", "record-epoch", [utc(2026, 11, 26, 10, 20), utc(2026, 11, 26, 10, 20, 5), utc(2026, 11, 26, 10, 21)],
     [None, None, None], ["unix.hw", "node", "switch"]),
    ("proxy.log", "dotted-no-year", [utc(2026, 11, 26, 10, 40), utc(2026, 11, 26, 10, 40, 5), utc(2026, 11, 26, 10, 41, 30)],
     [None, None, None], ["agent.exe", "agent.exe", "updater.exe"]),
    ("cbs.log", "iso", [utc(2026, 11, 26, 10, 50), utc(2026, 11, 26, 10, 50, 2), utc(2026, 11, 26, 10, 50, 9)],
     ["info", "warning", "error"], ["CBS", "CBS", "CSI"]),
    ("java.log", "iso", [utc(2026, 11, 26, 11, 0, 0, 125000), utc(2026, 11, 26, 11, 0, 4, 880000), utc(2026, 11, 26, 11, 0, 5, 1000)],
     ["info", "error", "warning"], ["org.example.orders.Server", "org.example.orders.Repository", "org.example.orders.Repository"]),
    ("db2.log", "dashed", [utc(2026, 11, 26, 11, 10, 0, 123456), utc(2026, 11, 26, 11, 10, 4, 1)], [None, None], [None, None]),
    ("klog.log", "klog", [utc(2026, 11, 26, 11, 20, 0, 100), utc(2026, 11, 26, 11, 20, 3, 512345), utc(2026, 11, 26, 11, 20, 4, 999999)],
     ["info", "warning", "error"], ["leaderelection.go:250", "reflector.go:539", "scheduler.go:381"]),
    ("go.log", "slash", [utc(2026, 11, 26, 11, 30), utc(2026, 11, 26, 11, 30, 9)], [None, None], [None, None]),
    ("rfc5424.log", "rfc5424", [utc(2026, 11, 26, 11, 40, 0, 120000), utc(2026, 11, 26, 10, 40, 2, 500000)],
     ["info", "error"], ["checkout", "checkout"]),
    ("syslog_year.log", "ctime", [utc(2026, 11, 26, 11, 50), utc(2026, 11, 26, 11, 50, 7)], [None, None], [None, None]),
    ("syslog_iso.log", "iso", [utc(2026, 11, 26, 11, 0, 0, 250000), utc(2026, 11, 26, 11, 0, 9, 4000)], [None, None], ["postgres", "postgres"]),
    ("short_iso.log", "iso", [utc(2026, 11, 26, 11, 10), utc(2026, 11, 26, 11, 10, 3)], [None, None], ["sshd", "sudo"]),
    ("kubectl.log", "iso", [utc(2026, 11, 26, 12, 20, 0, 123456), utc(2026, 11, 26, 12, 20, 1, 0)], [None, None], [None, None]),
    ("openstack.log", "iso", [utc(2026, 11, 26, 12, 40, 0, 8000), utc(2026, 11, 26, 12, 40, 1, 120000)],
     ["info", "error"], ["nova.osapi_compute.wsgi.server", "nova.compute.manager"]),
]


@pytest.mark.parametrize(("name", "family", "times", "levels", "components"), CASES, ids=[case[0] for case in CASES])
def test_each_family_is_detected_and_read_exactly(name, family, times, levels, components):
    path = LOGS / name
    lines = path.read_text().splitlines()
    detected, share = detect_format(lines, UTC, 2026)
    assert (detected.name, share) == (family, 1.0)
    records = read(path)
    assert [r for r in records if isinstance(r, Rejected)] == []
    found = events(records)
    assert [e.at for e in found] == times
    assert [e.level for e in found] == levels
    assert [e.component for e in found] == components


def test_every_family_is_documented_with_its_example_and_reads_it():
    docs = (Path(__file__).parents[2] / "docs" / "log-formats.md").read_text()
    for fmt in FORMATS.values():
        assert f"`{fmt.name}`" in docs, fmt.name
        example = fmt.example.split(" (")[0]
        assert fmt.parse(example, UTC, 2026) is not None, (fmt.name, example)


def test_json_exports_of_journald_and_docker_keep_time_level_and_component():
    journal = events(read(LOGS / "journal.json"))
    assert [e.at for e in journal] == [utc(2026, 11, 26, 12, 40, 0, 123456), utc(2026, 11, 26, 12, 40, 5, 1)]
    assert [e.level for e in journal] == ["info", "error"]
    assert [e.component for e in journal] == ["postgres", "kernel"]
    assert journal[0].text == "[INFO] database system is ready"
    assert journal[1].text == "[ERROR] oom-kill"  # a message journald kept as bytes
    docker = events(read(LOGS / "docker.json"))
    assert [e.at for e in docker] == [utc(2026, 11, 26, 12, 30), utc(2026, 11, 26, 12, 30, 2, 500000)]
    assert docker[1].text == "Error: connect ECONNREFUSED 10.0.0.9:5432"


def test_a_stack_trace_joins_the_entry_it_belongs_to():
    found = events(read(LOGS / "java.log"))
    assert len(found) == 3
    assert found[1].text.splitlines() == [
        "[ERROR] [pool-3-thread-1] org.example.orders.Repository: query failed",
        "java.sql.SQLTransientConnectionException: pool exhausted",
        "\tat org.example.orders.Repository.find(Repository.java:88)",
    ]


def test_the_level_filter_reads_levels_the_format_states(tmp_path):
    records = read(LOGS / "logcat.txt", level="warning")
    assert [e.level for e in events(records)] == ["error", "warning"]


def write(tmp_path: Path, text: str, name: str = "app.log") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_year_less_log_takes_the_year_nearest_the_incident(tmp_path):
    path = write(tmp_path, "Dec 31 23:59:58 web-1 app[1]: before midnight\nJan  1 00:00:03 web-1 app[1]: after midnight\n")
    early_january = datetime(2027, 1, 1, 0, 10, tzinfo=timezone.utc)
    found = events(read(path, near=early_january))
    assert [e.at for e in found] == [utc(2026, 12, 31, 23, 59, 58), utc(2027, 1, 1, 0, 0, 3)]
    late_december = datetime(2026, 12, 31, 22, 0, tzinfo=timezone.utc)
    assert [e.at for e in events(read(path, near=late_december))] == [utc(2026, 12, 31, 23, 59, 58), utc(2027, 1, 1, 0, 0, 3)]


def test_logcat_rolls_over_into_the_new_year_inside_one_file(tmp_path):
    path = write(tmp_path, "12-31 23:59:59.900  10  11 I Clock: tick\n01-01 00:00:00.100  10  11 I Clock: tock\n")
    found = events(read(path, near=datetime(2026, 12, 31, 12, tzinfo=timezone.utc)))
    assert [e.at for e in found] == [utc(2026, 12, 31, 23, 59, 59, 900000), utc(2027, 1, 1, 0, 0, 0, 100000)]


def test_a_year_less_log_without_an_incident_start_uses_the_stated_year(tmp_path):
    path = write(tmp_path, "[03.04 05:06:07] tool.exe - host:1 open\n")
    assert [e.at for e in events(read(path, near=None, year=2024))] == [utc(2024, 3, 4, 5, 6, 7)]


def test_a_stated_strptime_time_format_reads_what_no_family_does(tmp_path):
    path = write(tmp_path, "26.11.2026 14:05:00.123456789 | pump 3 stopped\n26.11.2026 14:06:00.5 | pump 3 started\n")
    with pytest.raises(ImportFailed):
        read(path)
    found = events(read(path, time_format="%d.%m.%Y %H:%M:%S.%f"))
    assert [e.at for e in found] == [utc(2026, 11, 26, 14, 5, 0, 123456), utc(2026, 11, 26, 14, 6, 0, 500000)]
    assert found[0].text == "pump 3 stopped"


def test_a_stated_time_format_without_a_year_takes_the_incidents(tmp_path):
    path = write(tmp_path, "Nov  3 14:05:00 box x\n")
    assert [e.at for e in events(read(path, time_format="%b %e %H:%M:%S"))] == [utc(2026, 11, 3, 14, 5)]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("%Y-%m-%d", "has no time of day"), ("%H:%M:%S", "has no day"), ("%Y %Q %H", "unknown directive %Q"), ("%H:%M %", "lone %")],
)
def test_a_bad_time_format_is_refused_with_why(tmp_path, pattern, message):
    with pytest.raises(ValueError, match=message):
        strptime_format(pattern)
    with pytest.raises(ImportFailed, match=message):
        read(write(tmp_path, "2026-11-26 10:00:00 x\n"), time_format=pattern)


def test_when_nothing_fits_the_error_names_the_closest_family_its_share_and_the_first_unread_line(tmp_path):
    text = "2026-11-26 10:00:00 ok\n" + "pump stopped at noon\n" * 3 + "2026-11-26 10:01:00 ok\n"
    path = write(tmp_path, text)
    with pytest.raises(ImportFailed) as caught:
        read(path)
    message = str(caught.value)
    assert "the closest, iso" in message and "reads 40% of them" in message
    assert "line 2: 'pump stopped at noon'" in message
    assert f"{path}:2" in message  # file and line, as every import error names them
    assert "%y%m%d %H%M%S" in message


def test_a_file_no_family_reads_at_all_says_so(tmp_path):
    with pytest.raises(ImportFailed, match="none of the known families reads any of them; the first line it cannot read is line 1"):
        read(write(tmp_path, "hello\nworld\n"))


def test_an_import_stores_level_and_component_and_dates_year_less_lines_by_the_incident(ctx):
    from sqlalchemy import select

    from cairn.services.incidents import open_incident
    from cairn.services.timeline_import import import_timeline
    from cairn.storage.models import TimelineEvent

    key = open_incident(ctx, "shop app crashes", severity="SEV2", started="2025-11-26T09:00Z", timezone="UTC").key
    summary = import_timeline(ctx, key, LOGS / "logcat.txt")
    assert (summary.added, summary.rejected) == (4, 0)
    with ctx.db.transaction() as session:
        rows = session.execute(select(TimelineEvent.at, TimelineEvent.level, TimelineEvent.component, TimelineEvent.text)
                               .order_by(TimelineEvent.at)).all()
    assert [row.at for row in rows][:1] == [utc(2025, 11, 26, 9, 30, 0, 101000)]  # the incident's year, not this one
    assert [(row.level, row.component) for row in rows] == [
        ("info", "ActivityManager"), ("debug", "ShopSync"), ("error", "ShopSync"), ("warning", "System.err")]
    assert rows[2].text == "[ERROR] ShopSync: request failed: timeout after 2000 ms"


@pytest.mark.parametrize(
    ("line", "text", "component"),
    [
        # the end of a message is kept as written
        ("Nov 26 06:55:46 gate sshd[2420]: input_userauth_request: invalid user backup [preauth]",
         "gate sshd[2420]: input_userauth_request: invalid user backup [preauth]", "sshd"),
        ("2026-11-26 10:00:00,001 INFO [main] org.example.App: Executing with tokens:",
         "[INFO] [main] org.example.App: Executing with tokens:", "org.example.App"),
        # a level after a pid leaves the text once, the pid stays
        ("261126 101500 2201 INFO dfs.DataNode$DataXceiver: Receiving block",
         "[INFO] 2201 dfs.DataNode$DataXceiver: Receiving block", "dfs.DataNode$DataXceiver"),
        # a thread name with spaces, and Log4j's [thread:Class@line]
        ("2026-11-26 10:00:00,001 INFO [Socket Reader #1 for port 8020] org.example.ipc.Server: Starting",
         "[INFO] [Socket Reader #1 for port 8020] org.example.ipc.Server: Starting", "org.example.ipc.Server"),
        ("2026-11-26 10:00:00,001 - WARN  [SendWorker:1889:QuorumCnxManager$SendWorker@688] - Send worker leaving",
         "[WARN] [SendWorker:1889:QuorumCnxManager$SendWorker@688] - Send worker leaving", "QuorumCnxManager$SendWorker"),
        # a daemon with a second pid in parentheses
        ("Nov 26 09:29:02 mac-7 sandboxd[129] ([3121]): deny network-outbound /private/var/run/x",
         "mac-7 sandboxd[129] ([3121]): deny network-outbound /private/var/run/x", "sandboxd"),
        # what comes before a timestamp found inside the line stays
        ('10.0.0.1 - - [26/Nov/2026:10:00:00 +0000] "GET /cart HTTP/1.1" 502 0',
         '10.0.0.1 - - "GET /cart HTTP/1.1" 502 0', None),
    ],
)
def test_text_and_component_of_real_shaped_lines(tmp_path, line, text, component):
    found = events(read(write(tmp_path, line + "\n")))
    assert [(e.text, e.component) for e in found] == [(text, component)]


def test_milliseconds_written_without_padding_are_milliseconds(tmp_path):
    path = write(tmp_path, "20261126-10:20:35:98|Step_A|1|a\n20261126-10:20:35:104|Step_B|1|b\n20261126-10:20:35:11|Step_C|1|c\n")
    assert [e.at.microsecond for e in events(read(path))] == [98000, 104000, 11000]

"""The follow-up loop inside `cairn serve`: reminders, notifications, tracker sync and the periodic report, the same code as `cairn remind` and `cairn actions sync`.

Each job declares whom it acts for, since the visibility rule
(services/access.py) binds background work too; tests/web/test_access_jobs.py
holds every job to its declaration.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from cairn.services.context import Context
from cairn.services.notifications import run_notifications
from cairn.services.reminders import run_reminders
from cairn.services.trackers import sync_tickets

log = logging.getLogger("cairn.reminders")


@dataclass(frozen=True)
class Job:
    name: str
    acts_for: str
    run: Callable[[Context], list[str]]  # returns the problems to log


def _reminders(ctx: Context) -> list[str]:
    return [f"reminder not delivered: {failure}" for failure in run_reminders(ctx).failures]


def _notifications(ctx: Context) -> list[str]:
    return [f"notification not delivered: {failure}" for failure in run_notifications(ctx).failures]


def _reports(ctx: Context) -> list[str]:
    from cairn.services.insights.report_delivery import deliver_reports

    return deliver_reports(ctx).failures


def _tracker_sync(ctx: Context) -> list[str]:
    return [f"ticket not synced: {error}" for error in sync_tickets(ctx).errors]


JOBS = (
    Job("reminders", "each recipient (tested above)", _reminders),
    Job("notifications", "each recipient: duties and deliveries are checked against what they may see (tested above)", _notifications),
    Job("tracker sync", "the system: it closes items whose ticket closed and writes to nobody", _tracker_sync),
    Job("periodic report", "an outsider: its recipients are addresses, not accounts, so it names internal incidents only (tests/insights/test_report.py)", _reports),
)


def start_reminder_loop(ctx: Context, interval_minutes: int) -> threading.Event | None:
    """Run the jobs every `interval_minutes` in a daemon thread; set the event to stop."""
    if interval_minutes <= 0:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            for job in JOBS:
                try:
                    for problem in job.run(ctx):
                        log.warning("%s", problem)
                except Exception:  # keep the loop alive; the next run tries again
                    log.exception("%s run failed", job.name)
            stop.wait(interval_minutes * 60)

    threading.Thread(target=loop, name="cairn-reminders", daemon=True).start()
    return stop

"""The follow-up loop inside `cairn serve`: reminders and tracker sync, the same code as `cairn remind` and `cairn actions sync`."""

from __future__ import annotations

import logging
import threading

from cairn.services.context import Context
from cairn.services.reminders import run_reminders
from cairn.services.trackers import sync_tickets

log = logging.getLogger("cairn.reminders")


def start_reminder_loop(ctx: Context, interval_minutes: int) -> threading.Event | None:
    """Run reminders every `interval_minutes` in a daemon thread; set the event to stop."""
    if interval_minutes <= 0:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                run = run_reminders(ctx)
                for failure in run.failures:
                    log.warning("reminder not delivered: %s", failure)
                synced = sync_tickets(ctx)
                for error in synced.errors:
                    log.warning("ticket not synced: %s", error)
            except Exception:  # keep the loop alive; the next run tries again
                log.exception("reminder run failed")
            stop.wait(interval_minutes * 60)

    threading.Thread(target=loop, name="cairn-reminders", daemon=True).start()
    return stop

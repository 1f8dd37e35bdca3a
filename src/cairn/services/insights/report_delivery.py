"""Scheduled delivery of the periodic report: once per period and address.

The recipients are e-mail addresses, not accounts, so the report is made for
a reader who may see only what every member may see (no restricted incident
is named; counts follow the group-of-three rule). Each delivery is claimed
in `reports_sent` before it is sent and released if sending fails, so a run
that repeats, or runs on a second server, sends nobody the same report twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from cairn.domain.periods import Period, last_full_quarter, month_period
from cairn.domain.times import now_utc
from cairn.services.context import Context, Principal
from cairn.storage.models import ReportSent

# No account has id 0, so this reader is a participant of nothing: it sees internal incidents only.
EVERYONE = Principal(user_id=0, username="report recipients", role="viewer")


@dataclass
class ReportRun:
    period: str | None = None
    sent: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def due_period(every: str, today: date) -> Period:
    """The last full quarter or month before `today`."""
    if every == "quarter":
        return last_full_quarter(today)
    return month_period(today.year - 1, 12) if today.month == 1 else month_period(today.year, today.month - 1)


def _claim(ctx: Context, label: str, address: str) -> bool:
    try:
        with ctx.db.transaction() as session:
            session.add(ReportSent(period=label, recipient=address, sent_at=now_utc()))
        return True
    except IntegrityError:
        return False


def deliver_reports(ctx: Context, *, today: date | None = None) -> ReportRun:
    """Send the last full period's report to each configured address that has not had it."""
    from cairn.formats.report import report_markdown
    from cairn.services.insights.report import period_report
    from cairn.services.notify import DeliveryFailed, send_email

    settings = ctx.settings
    if not settings.report_every or not settings.report_recipients:
        return ReportRun()
    period = due_period(settings.report_every, today or now_utc().date())
    run = ReportRun(period.label)
    text: str | None = None
    for address in dict.fromkeys(a.strip() for a in settings.report_recipients if a.strip()):
        if not _claim(ctx, period.label, address):
            continue
        if text is None:
            text = report_markdown(period_report(ctx.as_user(EVERYONE), period, today=today).to_data())
        try:
            send_email(settings, address, f"Cairn incident review {period.label}", text)
            run.sent.append(address)
        except DeliveryFailed as failure:
            with ctx.db.transaction() as session:
                session.execute(delete(ReportSent).where(ReportSent.period == period.label, ReportSent.recipient == address))
            run.failures.append(f"report {period.label} to {address}: {failure}")
    return run

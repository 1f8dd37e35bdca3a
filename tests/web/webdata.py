"""Incident documents and page readers shared by the web tests."""

from __future__ import annotations

import re

# A resolved incident with every part of a postmortem filled in, written in
# the portable Markdown format so it goes through the real import.
CHECKOUT_OUTAGE = """\
---
cairn: 1
title: Checkout payments failed after a connection-pool change
kind: incident
severity: SEV2
status: resolved
timezone: Europe/Berlin
services: [checkout, payments-api]
teams: [payments, sre]
tags: [database, configuration]
moments:
  started: 2026-03-03T14:02:00+01:00
  detected: 2026-03-03T14:09:00+01:00
  acknowledged: 2026-03-03T14:12:00+01:00
  mitigated: 2026-03-03T14:41:00+01:00
  resolved: 2026-03-03T15:20:00+01:00
participants:
- {user: amara, role: owner}
- {user: jonas, role: incident commander}
- {user: li, role: note taker}
postmortem:
  status: in review
  impact:
    users_affected: 18250
    users_share: 7.5
    duration_minutes: 39
    cost: about 42000 EUR in failed orders
    slo_budget: 61% of the monthly checkout budget
  risk: {likelihood: 2, severity: 4}
factors:
- id: F1
  description: The new pool size was tested against staging, where traffic is a tenth of production.
  category: configuration
  role: trigger
  services: [payments-api]
  whys:
  - why: Why did payments time out?
    because: Every request waited for a database connection.
  - why: Why were there no free connections?
    because: The pool had been lowered from 50 to 5.
  - why: Why did the change pass review?
    because: Staging load never needs more than five connections.
- id: F2
  description: No alert on connection-pool saturation, only on error rate.
  category: monitoring gap
  role: made worse
action_items:
- id: A1
  title: Alert when pool waits exceed 100 ms
  owner: li
  due: 2026-03-20
  impact: 3
  effort: 1
  kind: detect
  status: in progress
  url: https://tracker.example.com/SRE-311
  factors: [F2]
- id: A2
  title: Load-test configuration changes with production-sized traffic
  owner: amara
  due: 2026-04-15
  impact: 3
  effort: 3
  kind: prevent
  status: open
  factors: [F1]
- id: A3
  title: Write down the rollback path for payments-api settings
  kind: process
  status: done
  closed_at: 2026-03-10T11:00:00+01:00
timeline:
- {at: 2026-03-03T13:55:00+01:00, kind: deploy, actor: deploy-bot, text: payments-api config v142 rolled out, source: github, ref: deploy-142}
- {at: 2026-03-03T14:09:00+01:00, kind: alert, actor: alertmanager, text: CheckoutErrorRateHigh firing (12% of requests), source: alertmanager, ref: alert-9921}
- {at: 2026-03-03T14:12:00+01:00, kind: acknowledgement, actor: jonas, text: Acknowledged the page, source: pagerduty, ref: pd-Q1}
- {at: 2026-03-03T14:25:00+01:00, kind: decision, actor: jonas, text: Roll back config v142 instead of scaling the database}
- {at: 2026-03-03T14:41:00+01:00, kind: mitigation, actor: amara, text: Rollback to v141 complete; error rate back under 1%}
- {at: 2026-03-03T15:20:00+01:00, kind: resolution, actor: jonas, text: Queued orders replayed; checkout healthy for 30 minutes}
---
## Summary

For 39 minutes, about **7.5%** of checkouts failed because `payments-api` ran
out of database connections after a configuration change lowered its pool.

## Impact

| Measure | Value |
|---|--:|
| Failed checkouts | 18,250 |
| Peak error rate | 12% |

## Resolution

1. Rolled back to config **v141**.
2. Replayed the queued orders.

## What did not work

Scaling the database up first: the limit was in the client pool, not the server.

## What went well

- The alert fired within seven minutes.
- The rollback took one command.

## What went wrong

The pool setting was changed together with nine unrelated settings.

## Where we got lucky

It happened on a Tuesday afternoon, not during the evening sale.

## Surprises

> Staging never needs more than five connections.

## Follow-up review

We will revisit this incident in the April meta-review.
"""


def plain_document(title: str, *, severity: str = "SEV3", status: str = "open", started: str,
                   services: list[str] | None = None, section: str = "") -> str:
    """A small incident document; `started` is ISO 8601 with an offset."""
    lines = [
        "---",
        "cairn: 1",
        f"title: {title!r}",
        f"severity: {severity}",
        f"status: {status}",
        "timezone: UTC",
        f"services: [{', '.join(services or [])}]",
        "moments:",
        f"  started: {started}",
    ]
    if status in ("resolved", "closed"):
        lines += [f"  mitigated: {started}", f"  resolved: {started}"]
    if status == "mitigated":
        lines.append(f"  mitigated: {started}")
    lines += ["---", "## Summary", "", section or "Nothing to add.", ""]
    return "\n".join(lines)


def keys_in(html: str) -> list[str]:
    """Incident keys linked from the list table, in page order."""
    return re.findall(r'<a class="key" href="/incidents/([^"]+)">', html)

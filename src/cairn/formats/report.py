"""The periodic report as Markdown, as one standalone HTML file (styles inline, the
chart as inline SVG, nothing fetched), and as PDF printed from that file."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from cairn.analysis.insights.distributions import Distribution, format_span
from cairn.formats.html import FILE_POLICY
from cairn.formats.insight_charts import box_plot

MEASURES = (("detect", "Time to detect"), ("acknowledge", "Time to acknowledge"), ("mitigate", "Time to mitigate"), ("resolve", "Time to resolve"))
RULE = ("Counts include incidents you may not see only where at least three of them fall in the same figure; "
        "incidents named, quoted and listed are ones you may see.")


def _text(value: Any) -> str:
    """What people wrote, inert in Markdown: no HTML tag, no line break."""
    return " ".join(str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


def _cell(value: Any) -> str:
    """A Markdown table cell: no pipe from the data can break the table."""
    return _text(value).replace("|", "\\|")


def _change(now: int, before: int) -> str:
    return f"{now - before:+d}" if before or now else "0"


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines + [""]


def _spans(data: dict[str, Any]) -> str:
    if not data["count"]:
        return f"no data ({data['missing']} missing)" if data["missing"] else "no data"
    text = f"median {format_span(data['median'])}, 90th {format_span(data['p90'])}, max {format_span(data['max'])} (n={data['count']}"
    return text + (f", {data['missing']} missing)" if data["missing"] else ")")


def report_markdown(report: dict[str, Any]) -> str:
    """`report`: PeriodReport.to_data()."""
    now, before = report["current"], report["before"]
    label, previous = report["period"]["label"], report["previous"]["label"]
    lines = [f"# Incident review {label}", "",
             f"{report['period']['first']} to {report['period']['last']}, against {previous}. Generated {report['generated_at'][:16].replace('T', ' ')} UTC.",
             "", f"_{RULE}_", "", "## Incidents", ""]
    severities = sorted(set(now["incidents"]["by_severity"]) | set(before["incidents"]["by_severity"]))
    rows = [["All", now["incidents"]["total"], before["incidents"]["total"], _change(now["incidents"]["total"], before["incidents"]["total"])]]
    for severity in severities:
        a, b = now["incidents"]["by_severity"].get(severity, 0), before["incidents"]["by_severity"].get(severity, 0)
        rows.append([severity, a, b, _change(a, b)])
    for kind in ("incident", "near miss"):
        a, b = now["incidents"]["by_kind"].get(kind, 0), before["incidents"]["by_kind"].get(kind, 0)
        rows.append([f"Kind: {kind}", a, b, _change(a, b)])
    lines += _table(["", label, previous, "change"], rows)
    lines += ["## Durations", "", "Medians and percentiles, never a lone mean; what is missing is counted.", ""]
    lines += _table(["", label, previous], [[name, _spans(now["durations"][m]), _spans(before["durations"][m])] for m, name in MEASURES])
    owed = report["postmortems"]
    lines += ["## Postmortems", ""]
    lines.append(f"- Due in the period (by the policy): {owed['due']}; written (published) in it: {owed['written']}; "
                 f"due and published by their due date: {owed['due_and_written_on_time']}.")
    overdue = ", ".join(owed["overdue"]) if owed["overdue"] else "none"
    lines.append(f"- Overdue at the end of the period: {owed['overdue_at_end']} ({overdue}).")
    lines.append(f"- Time to publish (resolved to published): {_spans(now['postmortem_lag'])}; before: {_spans(before['postmortem_lag'])}.")
    share = now["published_on_time"]
    if share["whole"]:
        lines.append(f"- Published by the policy's due date: {share['part']} of {share['whole']}.")
    lines += ["", "## Action items", ""]
    names = (("opened", "Opened"), ("closed", "Closed (done or won't do)"), ("closed_on_schedule", "Done by their due date"), ("overdue_at_end", "Open and overdue at the end"))
    lines += _table(["", label, previous], [[name, now["action_items"][key], before["action_items"][key]] for key, name in names])
    lines += ["## Recurring factors", ""]
    if report["recurring_factors"]:
        lines += _table(["Factor category", label, previous, "services"], [
            [c["category"], c["incidents"], before["categories"].get(c["category"], 0), ", ".join(f"{s} ({n})" for s, n in c["services"].items())]
            for c in report["recurring_factors"]
        ])
    else:
        lines += ["No contributing factors recorded for the period's incidents.", ""]
    lines += ["## Repeats: fixes that may not have held", ""]
    if report["repeats"]:
        lines += [f"- {r['incident']}: the fix from {r['earlier']} ({r['item']}, closed {r['closed_on']}) may not have prevented it "
                  f"({_text(r['category'])} on {_text(r['service'])}). Did it work?" for r in report["repeats"]]
    else:
        lines.append("- None among the period's incidents.")
    lines += ["", "## Blameless language", ""]
    if report["language"]:
        lines += _table(["Month published", "postmortems", "open findings", "median per postmortem"],
                        [[m["month"], m["postmortems"], m["findings"], f"{m['median_per_postmortem']:g}"] for m in report["language"]])
    else:
        lines += ["No postmortem was published in the period.", ""]
    lines += ["## Published postmortems", ""]
    lines += [f"- {p['key']} ({p['severity']}, {p['published_on']}) {_text(p['title'])}: {_text(p['summary']) or '(no summary)'}"
              for p in report["published"]] or ["- None."]
    return "\n".join(lines).rstrip() + "\n"


def _distribution(data: dict[str, Any]) -> Distribution:
    return Distribution(**{name: data[name] for name in ("count", "missing", "inconsistent", "median", "p75", "p90", "max", "mean")})


def report_chart(report: dict[str, Any]) -> str:
    """Time to mitigate and to resolve, this period against the previous (box plots, SVG)."""
    label, previous = report["period"]["label"], report["previous"]["label"]
    groups = []
    for measure, name in (("mitigate", "mitigate"), ("resolve", "resolve")):
        groups.append((f"{name} {previous}", _distribution(report["before"]["durations"][measure])))
        groups.append((f"{name} {label}", _distribution(report["current"]["durations"][measure])))
    return box_plot(f"Time to mitigate and to resolve, {label} against {previous}", groups)


STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2a30; max-width: 900px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #e2e0d9; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e2e0d9; vertical-align: top; }
.chart { overflow-x: auto; } .chart svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def report_html(report: dict[str, Any]) -> str:
    """One self-contained file: the Markdown rendered and sanitised, with the chart inline."""
    from cairn.web.markdown import render_markdown_offline

    body = str(render_markdown_offline(report_markdown(report)))
    chart = Markup(f'<div class="chart">{report_chart(report)}</div>')
    marker = "<h2>Postmortems</h2>"
    body = body.replace(marker, str(chart) + marker, 1) if marker in body else body + str(chart)
    title = escape(f"Incident review {report['period']['label']}")
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{FILE_POLICY}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def report_pdf(report: dict[str, Any]) -> bytes:
    from cairn.formats.pdf import html_to_pdf

    return html_to_pdf(report_html(report))

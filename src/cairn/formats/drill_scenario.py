"""A drill scenario as a portable Markdown file: YAML front matter with the
script (reveals, hidden facts, finish lines, real times), then the title and
the starting situation as prose, like the postmortem document.

    ---
    cairn: drill-scenario/1
    incident: INC-42          # optional: a scenario may be written from scratch
    situation_kind: alert
    reveals:
      - {at: "4:00", kind: communication, text: Support reports failed payments}
      - {at: "9:00", kind: note, text: The DB dashboard shows 2 connections, request: the DB dashboard}
    hidden_facts: [{label: trigger, text: A config push halved the pool}]
    finish_lines: {diagnosed: ..., mitigated: ...}
    ---
    # Drill: Checkout returns 502

    ## Situation

    p99 latency alert: checkout above 2 s

Errors name the file and the line, as imports do."""

from __future__ import annotations

from typing import Any

from cairn.domain.drill import MAX_TEXT, HiddenFact, RevealDraft, RevealMode, ScenarioDraft, format_offset, parse_offset
from cairn.errors import ImportFailed, InvalidInput
from cairn.formats import yamlio

FORMAT = "drill-scenario/1"
MAX_REVEALS = 500


def render(draft: ScenarioDraft, incident: str | None) -> str:
    data: dict[str, Any] = {"cairn": FORMAT}
    if incident:
        data["incident"] = incident
    data.update({
        "zone": draft.zone,
        "situation_kind": draft.situation_kind,
        "situation_time": draft.situation_time,
        "reveals": [_reveal_data(r) for r in draft.reveals],
        "hidden_facts": [{"label": f.label, "text": f.text} for f in draft.hidden_facts],
        "responders_did": [{"at": format_offset(a.offset_seconds), "kind": a.kind, "text": a.text} for a in draft.real_actions],
        "finish_lines": {"diagnosed": draft.diagnosed_line, "mitigated": draft.mitigated_line},
        "real_times": {
            "diagnosed": format_offset(draft.real_diagnose_seconds) if draft.real_diagnose_seconds is not None else None,
            "mitigated": format_offset(draft.real_mitigate_seconds) if draft.real_mitigate_seconds is not None else None,
        },
    })
    return f"---\n{yamlio.dump(data)}---\n# {draft.title}\n\n## Situation\n\n{draft.situation}\n"


def _reveal_data(reveal: RevealDraft) -> dict[str, Any]:
    item: dict[str, Any] = {"at": format_offset(reveal.offset_seconds), "kind": reveal.kind, "text": reveal.text}
    if reveal.mode == RevealMode.REQUEST.value:
        item["request"] = reveal.prompt
    if reveal.hint:
        item["hint"] = True
    if reveal.hidden:
        item["hidden"] = True
    return item


def parse(text: str, source: str = "scenario") -> tuple[ScenarioDraft, str | None]:
    """The scenario and the incident key it names (None: written from scratch)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ImportFailed("missing front matter: the scenario must start with a '---' line", source=source, line=1)
    try:
        closing = next(n for n in range(1, len(lines)) if lines[n].strip() == "---")
    except StopIteration:
        raise ImportFailed("front matter is not closed: add a '---' line after it", source=source, line=1) from None
    try:
        data, where = yamlio.load_with_lines("\n".join(lines[1:closing]))
    except Exception as error:  # the YAML reader's own message names what is wrong, and its mark where
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark is not None and getattr(mark, "line", None) is not None else 2
        raise ImportFailed(f"the front matter is not valid YAML: {str(error).splitlines()[0]}", source=source, line=line) from None

    def fail(message: str, path: tuple[Any, ...] = ()) -> ImportFailed:
        line = yamlio.line_for(where, path) if path else None
        return ImportFailed(message, source=source, line=(line + 1) if line is not None else 2)

    if not isinstance(data, dict) or data.get("cairn") != FORMAT:
        raise fail(f"not a drill scenario: the front matter needs 'cairn: {FORMAT}'")
    title, situation = _body(lines[closing + 1 :], source, closing + 2)

    def text_at(value: Any, path: tuple[Any, ...], what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{what} needs some text", path)
        clean = " ".join(value.split())
        if len(clean) > MAX_TEXT:
            raise fail(f"{what} is longer than {MAX_TEXT} characters", path)
        return clean

    def offset_at(value: Any, path: tuple[Any, ...]) -> int:
        try:
            return parse_offset(str(value))
        except InvalidInput as error:
            raise fail(str(error), path) from None

    def listing(name: str) -> list[Any]:
        value = data.get(name, [])
        if not isinstance(value, list):
            raise fail(f"'{name}' must be a list", (name,))
        if len(value) > MAX_REVEALS:
            raise fail(f"'{name}' holds at most {MAX_REVEALS} items", (name,))
        return value

    reveals = []
    for n, item in enumerate(listing("reveals")):
        path = ("reveals", n)
        if not isinstance(item, dict):
            raise fail("each reveal is a mapping with at, kind and text", path)
        prompt = item.get("request")
        reveals.append(RevealDraft(
            offset_at(item.get("at", "0"), path + ("at",)), text_at(item.get("text"), path + ("text",), f"reveal {n + 1}"),
            str(item.get("kind") or "note")[:30],
            RevealMode.REQUEST.value if prompt else RevealMode.CLOCK.value,
            text_at(prompt, path + ("request",), f"reveal {n + 1}'s request")[:300] if prompt else None,
            bool(item.get("hint", False)), bool(item.get("hidden", False)),
        ))
    facts = []
    for n, item in enumerate(listing("hidden_facts")):
        path = ("hidden_facts", n)
        if not isinstance(item, dict):
            raise fail("each hidden fact is a mapping with label and text", path)
        facts.append(HiddenFact(text_at(item.get("label"), path + ("label",), "a hidden fact's label")[:200],
                                text_at(item.get("text"), path + ("text",), "a hidden fact")))
    actions = []
    for n, item in enumerate(listing("responders_did")):
        path = ("responders_did", n)
        if not isinstance(item, dict):
            raise fail("each of responders_did is a mapping with at, kind and text", path)
        actions.append(RevealDraft(offset_at(item.get("at", "0"), path + ("at",)), text_at(item.get("text"), path + ("text",), "what the responders did"),
                                   str(item.get("kind") or "action")[:30]))
    lines_data = data.get("finish_lines") or {}
    if not isinstance(lines_data, dict):
        raise fail("'finish_lines' is a mapping with diagnosed and mitigated", ("finish_lines",))
    real = data.get("real_times") or {}
    if not isinstance(real, dict):
        raise fail("'real_times' is a mapping with diagnosed and mitigated", ("real_times",))
    incident = data.get("incident")
    if incident is not None and not isinstance(incident, str):
        raise fail("'incident' is an incident key such as INC-42", ("incident",))
    draft = ScenarioDraft(
        title=title, situation=situation, situation_kind=str(data.get("situation_kind") or "detection")[:30],
        zone=str(data.get("zone") or "UTC")[:64], hidden_facts=facts, reveals=reveals,
        diagnosed_line=text_at(lines_data.get("diagnosed", "The responders name the cause"), ("finish_lines", "diagnosed"), "the diagnosed finish line"),
        mitigated_line=text_at(lines_data.get("mitigated", "The responders stop the impact"), ("finish_lines", "mitigated"), "the mitigated finish line"),
        real_diagnose_seconds=offset_at(real["diagnosed"], ("real_times", "diagnosed")) if real.get("diagnosed") else None,
        real_mitigate_seconds=offset_at(real["mitigated"], ("real_times", "mitigated")) if real.get("mitigated") else None,
        real_actions=actions,
        situation_time=str(data.get("situation_time") or "")[:40],
    )
    return draft, incident


def _body(lines: list[str], source: str, first_line: int) -> tuple[str, str]:
    title = ""
    situation: list[str] = []
    in_situation = False
    for offset, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("# ") and not title:
            title = " ".join(stripped[2:].split())
        elif stripped.startswith("## "):
            in_situation = stripped[3:].strip().lower() == "situation"
        elif in_situation:
            situation.append(line)
    if not title:
        raise ImportFailed("the scenario needs a title: a '# ' heading after the front matter", source=source, line=first_line)
    text = " ".join(" ".join(situation).split())
    if not text:
        raise ImportFailed("the scenario needs a '## Situation' section saying what the responder sees first", source=source, line=first_line)
    if len(title) > 300 or len(text) > MAX_TEXT:
        raise ImportFailed(f"the title is at most 300 characters and the situation {MAX_TEXT}", source=source, line=first_line)
    return title, text

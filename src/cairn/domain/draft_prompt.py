"""What a model is given to rewrite a first draft, and how its answer is read.

The model sees only the record: events with their ids, the key moments,
impact figures, factors, and Cairn's own cited draft to start from. It is
asked for JSON, one text per section, each factual sentence ending with its
citations; whatever it answers is then checked (`draft_check`), never trusted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cairn.domain.citations import CitationKind, citations_in
from cairn.domain.document import IncidentDoc
from cairn.domain.first_draft import DRAFT_SECTIONS, Draft
from cairn.domain.times import format_local, require_zone
from cairn.errors import CairnError

INSTRUCTIONS = """You help an engineering team write a blameless incident postmortem.
Rewrite the draft sections you are given into clear, plain prose, using ONLY facts in the record.
Rules:
- End every sentence that states a fact with its citations, in square brackets, before the full stop:
  [#ID] for a timeline event (several: [#3, #7]), [moment: started|detected|acknowledged|mitigated|resolved],
  [impact: users_affected|users_share|duration_minutes|data_loss|cost|slo_budget], [factor: F1],
  [incident: title|severity|services].
- Cite only ids and names present in the record. Never invent a time, a duration, a number or a name.
- Write times exactly as the record gives them (HH:MM and the zone); durations to the minute, measured
  between the cited times.
- Where the record does not say something, ask it as a question ending with "?" instead of guessing.
- Describe what happened and what the systems showed; do not judge people, do not say anyone should
  have done otherwise, do not use words like careless, mistake, fault or blame.
- Answer with one JSON object and nothing else: {"sections": {"<section key>": "<Markdown text>", ...}}
  using the section keys of the draft."""


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, str]]
    events_sent: int
    events_left_out: int


def record_for_model(doc: IncidentDoc, ids: list[int | None], draft: Draft, *, max_events: int) -> Prompt:
    """The messages for the chat endpoint. `doc` may be the redacted public version; `ids`
    are the storage ids of its events, in order (redaction does not carry them)."""
    zone = require_zone(doc.timezone)
    cited = {int(c.ref) for s in draft.sections for c in citations_in(s.markdown) if c.kind is CitationKind.EVENT}
    pairs = [(event_id, event) for event_id, event in zip(ids, doc.timeline) if event_id is not None]
    # The events the draft cites first, then the people's work before machine lines, to the limit.
    ranked = sorted(pairs, key=lambda pair: (pair[0] not in cited, pair[1].source == "log", pair[1].at))
    chosen = sorted(ranked[:max_events], key=lambda pair: (pair[1].at, pair[0]))
    record = {
        "incident": {
            "title": doc.title, "severity": doc.severity, "kind": doc.kind, "services": doc.services,
            "teams": doc.teams, "time_zone": doc.timezone,
        },
        "moments": {m.value: format_local(at, zone) for m, at in doc.moments.items() if at is not None},
        "impact": {k: v for k, v in vars(doc.postmortem.impact).items() if v not in (None, "")},
        "factors": [{"label": f.label, "category": f.category, "role": f.role, "description": f.description} for f in doc.factors],
        "events": [
            {"id": event_id, "time": format_local(event.at, zone), "kind": event.kind, "actor": event.actor, "text": event.text}
            for event_id, event in chosen
        ],
    }
    sections = {section.key: section.markdown for section in draft.sections}
    user = (
        "Record (JSON):\n" + json.dumps(record, ensure_ascii=False, default=str, indent=1)
        + "\n\nDraft sections to rewrite (JSON, key to Markdown):\n" + json.dumps(sections, ensure_ascii=False, indent=1)
    )
    return Prompt([{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": user}], len(chosen), len(pairs) - len(chosen))


class UnreadableAnswer(CairnError):
    status_code = 502
    title = "model error"


_FENCE = re.compile(r"```(?:json|JSON)?\s*(\{.*?\})\s*```", re.DOTALL)
_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
KNOWN_KEYS = {key for key, _ in DRAFT_SECTIONS}
MAX_SECTION = 50_000  # a drafted section is a few paragraphs; far more is a runaway answer


def read_answer(content: str) -> dict[str, str]:
    """Section key -> Markdown from the model's text; refuses anything else with the reason."""
    content = _THINKING.sub("", content)  # reasoning models think aloud before they answer
    fenced = _FENCE.search(content)
    text = fenced.group(1) if fenced else content.strip()
    if not text.startswith("{"):
        start, end = text.find("{"), text.rfind("}")
        text = text[start:end + 1] if 0 <= start < end else text
    try:
        answer = json.loads(text)
    except ValueError:
        raise UnreadableAnswer("the model's answer is not the JSON object asked for") from None
    if isinstance(answer, dict) and isinstance(answer.get("sections"), dict):
        answer = answer["sections"]
    if not isinstance(answer, dict):
        raise UnreadableAnswer("the model's answer has no \"sections\" object")
    sections = {str(k).strip().lower(): v for k, v in answer.items() if str(k).strip().lower() in KNOWN_KEYS}
    if not sections:
        raise UnreadableAnswer(f"the model's answer names none of the sections ({', '.join(sorted(KNOWN_KEYS))})")
    bad = [k for k, v in sections.items() if not isinstance(v, str)]
    if bad:
        raise UnreadableAnswer(f"the model's answer for {', '.join(bad)} is not text")
    long = [k for k, v in sections.items() if len(v) > MAX_SECTION]
    if long:
        raise UnreadableAnswer(f"the model's answer for {', '.join(long)} is longer than {MAX_SECTION:,} characters")
    return {k: v for k, v in sections.items() if v.strip()}

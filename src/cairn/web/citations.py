"""Citations in rendered prose become links to what they cite, with the cited event,
moment or figure as the link's title, so a reader can hover to check a claim.

Runs on sanitised HTML and writes only its own escaped markup; code blocks
and code spans are left as written.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from html import escape

from markupsafe import Markup

from cairn.domain.citations import CITATION, QUOTED, Citation, citations_in
from cairn.domain.document import IncidentDoc
from cairn.domain.draft_check import Evidence
from cairn.domain.times import format_local

_CODE = re.compile(r"(<(pre|code)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"(<[^>]*>)")
TITLE_LIMIT = 300


class CitationTitles:
    """What each citation of one incident points at: a link target and a hover text."""

    def __init__(
        self, doc: IncidentDoc, incident_path: str, events: dict[str, tuple[datetime, str]] | None = None, *, on_page: bool = False,
    ) -> None:
        evidence = Evidence.of(doc)
        # `events`: the cited ones, read by id, when `doc` holds only a page of the timeline (or none).
        self.evidence = replace(evidence, events=events) if events is not None else evidence
        # An event goes through its own address, which opens the timeline page that
        # holds it; the other anchors stay on this page when it is the incident's.
        self.events_path = f"{incident_path}/events/"
        self.path = "" if on_page else incident_path

    def describe(self, citation: Citation) -> tuple[str, str] | None:
        evidence = self.evidence
        if not evidence.has(citation):
            return None
        at = evidence.time_of(citation)
        when = format_local(at, evidence.zone) if at else ""
        if citation.kind.value == "event":
            return f"{self.events_path}{citation.ref}", f"{when} · {evidence.text_of(citation)}"[:TITLE_LIMIT]
        if citation.kind.value == "moment":
            return f"{self.path}#moments-h", f"{citation.ref}: {when}"
        if citation.kind.value == "impact":
            return f"{self.path}#postmortem", f"{citation.ref.replace('_', ' ')}: {evidence.text_of(citation)}"[:TITLE_LIMIT]
        if citation.kind.value == "factor":
            return f"{self.path}#factors-h", f"{citation.ref}: {evidence.text_of(citation)}"[:TITLE_LIMIT]
        return self.path or "#", f"{citation.ref}: {evidence.text_of(citation)}"[:TITLE_LIMIT]

    def link(self, html: Markup | str) -> Markup:
        parts = _CODE.split(str(html))
        out: list[str] = []
        skip = False
        for index, part in enumerate(parts):
            if skip:  # the tag-name group of the code match
                skip = False
                continue
            if index % 3 == 1:
                out.append(part)
                skip = True
                continue
            out.append("".join(piece if piece.startswith("<") else self._outside_quotes(piece) for piece in _TAG.split(part)))
        return Markup("".join(out))

    def _outside_quotes(self, text: str) -> str:
        """Citations become links, but not brackets inside a quotation of the record."""
        pieces = QUOTED.split(text)
        quotes = QUOTED.findall(text)
        out = [CITATION.sub(self._swap, pieces[0])]
        for quote, piece in zip(quotes, pieces[1:]):
            out.append(quote)
            out.append(CITATION.sub(self._swap, piece))
        return "".join(out)

    def _swap(self, match: re.Match[str]) -> str:
        links: list[str] = []
        for citation in citations_in(match.group()):
            found = self.describe(citation)
            label = f"#{citation.ref}" if citation.kind.value == "event" else f"{citation.kind.value}: {citation.ref}"
            if found is None:
                links.append(f'<span class="cite cite-missing" title="not in this incident\'s record">{escape(label)}</span>')
            else:
                href, title = found
                links.append(f'<a class="cite" href="{escape(href)}" title="{escape(title)}">{escape(label)}</a>')
        return f'<span class="cites">[{", ".join(links)}]</span>'

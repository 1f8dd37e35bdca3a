"""Postmortem templates: which sections a postmortem has, with help text,
prompts and required flags, plus checklist items; chosen per severity or team.

Sections with the id of a fixed postmortem field (summary, impact, ...) fill
that field; any other id is a free Markdown section titled as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cairn.domain.document import PROSE_SECTIONS

FIXED_IDS = {name for name, _ in PROSE_SECTIONS}


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    help: str = ""
    prompts: tuple[str, ...] = ()
    required: bool = False

    @property
    def fixed(self) -> bool:
        return self.id in FIXED_IDS


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str = ""
    severities: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    sections: tuple[SectionSpec, ...] = ()
    checklist: tuple[str, ...] = ()
    source: str = "built-in"

    def applies_to(self, severity: str, teams: list[str]) -> bool:
        """True when the template names this severity or one of these teams."""
        by_severity = severity.casefold() in {s.casefold() for s in self.severities}
        by_team = bool({t.casefold() for t in teams} & {t.casefold() for t in self.teams})
        return by_severity or by_team

    def section(self, section_id: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass
class TemplateSet:
    templates: list[Template] = field(default_factory=list)

    def choose(self, severity: str, teams: list[str]) -> Template:
        """A team's template first, then a severity's, then `default`."""
        for template in self.templates:
            if {t.casefold() for t in teams} & {t.casefold() for t in template.teams}:
                return template
        for template in self.templates:
            if template.applies_to(severity, []):
                return template
        return next(t for t in self.templates if t.name == "default")

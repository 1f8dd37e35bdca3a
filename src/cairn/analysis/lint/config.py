"""Per-team tuning of the linter, read from a TOML file.

    [lint]
    disable = ["judgement.minimising"]      # rule ids or whole categories
    extra_words = ["clueless", "sloppily"]  # more judgement words
    allow = ["failed to start"]             # phrases never flagged

    [lint.teams.payments]
    disable = ["animated"]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cairn.errors import InvalidInput
from cairn.tomlfile import read_toml


@dataclass(frozen=True)
class LintConfig:
    disable: frozenset[str] = frozenset()
    extra_words: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # names and handles of the incident's people
    teams: dict[str, "LintConfig"] = field(default_factory=dict, compare=False)

    def enabled(self, rule_id: str, category: str) -> bool:
        return rule_id not in self.disable and category not in self.disable

    def for_team(self, team: str | None) -> "LintConfig":
        override = self.teams.get(team or "")
        if override is None:
            return self
        return replace(
            self,
            disable=self.disable | override.disable,
            extra_words=self.extra_words + override.extra_words,
            allow=self.allow + override.allow,
        )

    def with_people(self, people: list[str]) -> "LintConfig":
        return replace(self, people=tuple(dict.fromkeys(self.people + tuple(people))))


def _section(data: Any, where: str) -> LintConfig:
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: expected a table")
    unknown = set(data) - {"disable", "extra_words", "allow", "teams"}
    if unknown:
        raise InvalidInput(f"{where}: unknown setting {sorted(unknown)[0]!r}")

    def words(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise InvalidInput(f"{where}.{key}: expected a list of text")
        return tuple(item.strip() for item in value)

    return LintConfig(disable=frozenset(words("disable")), extra_words=words("extra_words"), allow=words("allow"))


def load_config(path: Path | None) -> LintConfig:
    """The lint settings in `path` (none: the defaults)."""
    if path is None:
        return LintConfig()
    data = read_toml(path, "lint configuration")
    lint = data.get("lint", {})
    base = _section({k: v for k, v in lint.items() if k != "teams"}, f"{path} [lint]")
    teams_data = lint.get("teams", {})
    if not isinstance(teams_data, dict):
        raise InvalidInput(f"{path} [lint.teams]: expected a table")
    teams = {name: _section(value, f"{path} [lint.teams.{name}]") for name, value in teams_data.items()}
    from cairn.analysis.lint.rules import RULES, known_rule_or_category

    for config in (base, *teams.values()):
        for name in config.disable:
            if not known_rule_or_category(name):
                raise InvalidInput(f"lint configuration {path}: unknown rule or category {name!r} in disable")
    assert RULES
    return replace(base, teams=teams)

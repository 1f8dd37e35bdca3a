"""Settings, read from the environment (prefix CAIRN_) when the app starts.

Never instantiated at import time: the CLI and the web app factory build one
and pass it down, so tests can give each run its own database.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"]

DEFAULT_FACTOR_CATEGORIES = [
    "change/deploy",
    "configuration",
    "capacity",
    "dependency",
    "monitoring gap",
    "process",
    "software defect",
    "hardware/infrastructure",
    "security",
    "data",
    "human factors",
    "unknown",
]


def default_data_dir() -> Path:
    """XDG data directory, so a pip-installed Cairn needs no configuration."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cairn"


class Settings(BaseSettings):
    """Every knob Cairn has; each field's description is its documentation."""

    model_config = SettingsConfigDict(env_prefix="CAIRN_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Directory for the default SQLite database and other local files.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database. Defaults to a SQLite file cairn.db in the data "
            "directory; use postgresql+psycopg://user:password@host/dbname for PostgreSQL."
        ),
    )
    timezone: str = Field(
        default="UTC",
        description="Time zone for new incidents and for display when an incident has none.",
    )
    severities: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SEVERITIES),
        description="Allowed severities, most severe first (JSON list in the environment).",
    )
    factor_categories: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FACTOR_CATEGORIES),
        description="Taxonomy of contributing-factor categories (JSON list in the environment).",
    )
    key_prefix: str = Field(default="INC", description="Prefix of incident keys, as in INC-42.")
    lint_config: Path | None = Field(
        default=None,
        description="TOML file tuning the blameless-language rules (disable, extra_words, allow; per team).",
    )
    host: str = Field(default="127.0.0.1", description="Address `cairn serve` listens on.")
    port: int = Field(default=8000, description="Port `cairn serve` listens on.")

    @field_validator("severities", "factor_categories")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip() for item in value if item.strip()]
        if not cleaned:
            raise ValueError("must list at least one value")
        return cleaned

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from cairn.domain.times import require_zone
        from cairn.errors import InvalidInput

        try:
            require_zone(value)
        except InvalidInput as error:
            raise ValueError(str(error)) from None
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'cairn.db'}"

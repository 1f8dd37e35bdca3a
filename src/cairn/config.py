"""Settings, read from the environment (prefix CAIRN_) when the app starts.

Never instantiated at import time: the CLI and the web app factory build one
and pass it down, so tests can give each run its own database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
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
    postmortem_policy: Path | None = Field(
        default=None,
        description="TOML file saying which incidents owe a postmortem and when it is due (docs/postmortem-policy.md).",
    )
    template_dir: Path | None = Field(
        default=None,
        description="Folder of the team's own postmortem templates (*.yaml, docs/templates.md); they add to the built-in ones.",
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail reminders (none: no e-mail).")
    smtp_port: int = Field(default=25, description="SMTP port.")
    smtp_from: str = Field(default="cairn@localhost", description="Sender address of reminders.")
    smtp_username: str | None = Field(default=None, description="SMTP user name, if the server needs one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password; never logged or shown.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS on the SMTP connection.")
    notify_config: Path | None = Field(
        default=None,
        description="TOML file with per-team reminder channels: [teams.NAME] email, slack_webhook, webhook.",
    )
    remind_days_before: list[int] = Field(default_factory=lambda: [3], description="Remind this many days before the due date.")
    remind_days_after: list[int] = Field(default_factory=lambda: [1, 3, 7], description="Remind this many days after it.")
    escalate_after_days: int = Field(default=7, description="Overdue this long: the team lead is told too.")
    remind_hour: int = Field(default=9, description="Local hour (the owner's zone) from which a day's reminders go out.")
    remind_interval_minutes: int = Field(default=15, description="How often `cairn serve` checks for reminders (0: never).")
    jira_url: str | None = Field(default=None, description="Base URL of Jira, e.g. https://acme.atlassian.net.")
    jira_user: str | None = Field(default=None, description="Jira user (e-mail) for the API.")
    jira_token: SecretStr | None = Field(default=None, description="Jira API token; never logged or shown.")
    jira_project: str | None = Field(default=None, description="Jira project key for new action item issues.")
    jira_api_version: int = Field(default=2, description="Jira REST API version: 2, or 3 (Atlassian document descriptions).")
    github_api_url: str = Field(default="https://api.github.com", description="GitHub REST API base URL.")
    github_token: SecretStr | None = Field(default=None, description="GitHub token for issues; never logged or shown.")
    github_repo: str | None = Field(default=None, description="owner/name of the repository for action item issues.")
    session_hours: int = Field(default=336, ge=1, le=8760, description="A web sign-in lasts this long without use (hours).")
    secure_cookies: bool = Field(
        default=False,
        description="Mark the sign-in cookie Secure even when the request looks like plain HTTP (set behind a TLS proxy).",
    )
    internal_domains: list[str] = Field(
        default_factory=list,
        description=(
            "The team's internal domains (JSON list, e.g. [\"corp.example.com\"]): the public version replaces "
            "every host name ending in one, besides the built-in suffixes .internal, .local, .lan, .corp, .svc, .consul..."
        ),
    )
    internal_host_patterns: list[str] = Field(
        default_factory=list,
        description=(
            "Globs of the team's short host names (JSON list, e.g. [\"payroll-*\", \"*-db[0-9]*\"]) that the public "
            "version replaces, besides the built-in ones for names like payroll-db01 and ip-10-0-1-23."
        ),
    )
    bot_accounts: list[str] = Field(
        default_factory=list,
        description=(
            "Accounts that are systems, not people (JSON list): the public version keeps their names instead of "
            "calling them Person A, B..., like the integrations Cairn knows and names such as ci-bot or deploy[bot]."
        ),
    )
    import_background_bytes: int = Field(
        default=2 * 1024 * 1024, ge=0,
        description="Web and API uploads larger than this (bytes) are imported as a background job with visible progress.",
    )
    import_zip_max_bytes: int = Field(
        default=1024 * 1024 * 1024, ge=1,
        description="A zip to import may unpack to at most this many bytes in all.",
    )
    import_zip_max_ratio: int = Field(
        default=100, ge=1,
        description="No member of a zip to import may unpack to more than this many times its packed size (zip bombs).",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=30_000, ge=0,
        description="How long a SQLite write waits for another writer (an import's insert, say) before it gives up, in ms.",
    )
    metrics_include_restricted: bool = Field(
        default=True,
        description=(
            "Count restricted incidents in metrics (as aggregates only, in groups of at least three hidden "
            "incidents); false leaves them out of every figure, for everyone, admins included."
        ),
    )
    report_every: Literal["quarter", "month"] | None = Field(
        default=None, description="Send the periodic report of each past quarter or month by e-mail from `cairn serve` (none: never).",
    )
    report_recipients: list[str] = Field(
        default_factory=list,
        description="E-mail addresses for the periodic report; as they are not accounts, the report names only internal incidents.",
    )
    llm_url: str | None = Field(
        default=None,
        description=(
            "OpenAI-compatible chat endpoint the team runs (llama.cpp server, Ollama, vLLM), e.g. "
            "http://127.0.0.1:8080/v1: `cairn postmortem draft --model` rewrites the first draft with it. "
            "Unset: nothing is ever sent anywhere."
        ),
    )
    llm_model: str = Field(default="default", description="Model name sent with each chat request (Ollama and vLLM need it).")
    llm_api_key: SecretStr | None = Field(default=None, description="Bearer key for the chat endpoint, if it needs one; never logged or stored.")
    llm_timeout_seconds: float = Field(default=120.0, gt=0, le=3600, description="How long to wait for the model's answer.")
    llm_max_events: int = Field(default=400, ge=10, description="At most this many timeline events go to the model (the cited ones first).")
    host: str = Field(default="127.0.0.1", description="Address `cairn serve` listens on.")
    port: int = Field(default=8000, description="Port `cairn serve` listens on.")

    @field_validator("severities", "factor_categories")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip() for item in value if item.strip()]
        if not cleaned:
            raise ValueError("must list at least one value")
        return cleaned

    @field_validator("internal_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        if not value:
            return []
        from cairn.domain.redaction import check_domain

        return [check_domain(item) for item in value]

    @field_validator("internal_host_patterns")
    @classmethod
    def _host_patterns(cls, value: list[str]) -> list[str]:
        if not value:
            return []
        from cairn.domain.redaction import check_host_pattern

        return [check_host_pattern(item) for item in value]

    @field_validator("bot_accounts")
    @classmethod
    def _bots(cls, value: list[str]) -> list[str]:
        return [item.strip() for item in value if item.strip()]

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

"""POST /api/v1/lint: blameless-language review of any text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from cairn.analysis.lint import lint_text
from cairn.services.lint import base_config, dismiss_finding
from cairn.web.api.reads import FindingRead, LintRead
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["lint"])

MAX_TEXT = 200_000


class LintRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT, description="Plain text or Markdown.")
    team: str | None = Field(default=None, description="Use this team's lint settings.")
    people: list[str] = Field(default_factory=list, max_length=500, description="Names and handles to treat as people.")


@router.post("/lint", name="api_lint", response_model=LintRead)
def lint(request: LintRequest, ctx: ApiContextDep) -> dict[str, Any]:
    config = base_config(ctx).for_team(request.team).with_people(request.people)
    findings = lint_text(request.text.replace("\r\n", "\n").replace("\r", "\n"), config)
    return {"findings": [finding.to_data() for finding in findings], "count": len(findings)}


class Dismissal(BaseModel):
    reason: str = Field(max_length=1000, description="why the wording is fine as it is")


@router.post("/incidents/{key}/lint/{finding_id}/dismiss", name="api_lint_dismiss", response_model=FindingRead)
def dismiss(key: str, finding_id: str, body: Dismissal, ctx: ApiContextDep) -> dict[str, Any]:
    """Mark a finding as fine as written; the reason and who said so are kept."""
    return dismiss_finding(ctx, key, finding_id, body.reason).to_data()

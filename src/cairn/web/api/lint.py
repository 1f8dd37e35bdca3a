"""POST /api/v1/lint: blameless-language review of any text."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cairn.analysis.lint import lint_text
from cairn.services.lint import base_config
from cairn.web.auth import ApiContextDep

router = APIRouter(prefix="/api/v1", tags=["lint"])

MAX_TEXT = 200_000


class LintRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT, description="Plain text or Markdown.")
    team: str | None = Field(default=None, description="Use this team's lint settings.")
    people: list[str] = Field(default_factory=list, max_length=500, description="Names and handles to treat as people.")


@router.post("/lint", name="api_lint")
def lint(request: LintRequest, ctx: ApiContextDep) -> dict[str, Any]:
    config = base_config(ctx).for_team(request.team).with_people(request.people)
    findings = lint_text(request.text.replace("\r\n", "\n").replace("\r", "\n"), config)
    return {"findings": [finding.to_data() for finding in findings], "count": len(findings)}

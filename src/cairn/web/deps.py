"""Typed dependencies, so routes say what they need in one short parameter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from cairn.services.context import Context


def get_context(request: Request) -> Context:
    return request.app.state.context


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


ContextDep = Annotated[Context, Depends(get_context)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]

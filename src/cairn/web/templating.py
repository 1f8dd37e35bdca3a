"""The Jinja2 environment: autoescaped templates and the helpers they use.

Helpers live here, not in templates, so times are always shown in the
incident's zone and only http(s) links from stored data become clickable.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi.templating import Jinja2Templates

from cairn import __version__
from cairn.config import Settings
from cairn.domain.times import format_duration, format_local, require_zone
from cairn.domain.executive import executive_summary
from cairn.domain.log_levels import shown_text
from cairn.web.history_text import history_line
from cairn.web.markdown import render_markdown

TEMPLATES_DIR = Path(__file__).parent / "templates"


def local_time(moment: datetime | None, zone_name: str, seconds: bool = False) -> str:
    return format_local(moment, require_zone(zone_name), seconds=seconds)


def local_input(moment: datetime | None, zone_name: str) -> str:
    """A time as a form field holds it: wall clock in the incident's zone, which `parse_when` reads back."""
    if moment is None:
        return ""
    local = moment.astimezone(require_zone(zone_name))
    return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def duration(span: timedelta | None) -> str:
    return format_duration(span)


def slug(text: str | None) -> str:
    """A CSS-safe class suffix for a vocabulary value such as 'in review'."""
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-") or "none"


def describe(detail: dict[str, Any] | None) -> str:
    """An audit event's details as short `name: value` text."""
    if not detail:
        return ""
    parts = []
    for name, value in detail.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        parts.append(f"{name.replace('_', ' ')}: {value}")
    return "; ".join(parts)[:300]


def web_link(url: str | None) -> str | None:
    """The URL if it is safe to put in an href (http or https), else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    return url.strip() if scheme in ("http", "https") else None


def severity_class(severities: list[str]):  # type: ignore[no-untyped-def]
    """Severities are configurable, so badges follow their rank, not their name."""
    ranks = {name.casefold(): min(index + 1, 5) for index, name in enumerate(severities)}

    def classify(severity: str | None) -> str:
        rank = ranks.get((severity or "").casefold())
        return f"sev-{rank}" if rank else "sev-unknown"

    return classify


@jinja2.pass_context
def path(context: dict[str, Any], name: str, /, **params: Any) -> str:
    """Path (with any root path) of a named route: links survive a proxy prefix."""
    return context["request"].url_for(name, **params).path


@jinja2.pass_context
def static(context: dict[str, Any], file: str) -> str:
    return f"{path(context, 'static', path=file)}?v={__version__}"


def build_templates(settings: Settings) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        local=local_time,
        local_input=local_input,
        iso=iso,
        duration=duration,
        slug=slug,
        describe=describe,
        history_line=history_line,
        markdown=render_markdown,
        glance=executive_summary,
        shown_text=shown_text,
        severity_class=severity_class(settings.severities),
    )
    env.globals.update(path=path, static=static, web_link=web_link, version=__version__)
    return Jinja2Templates(env=env, context_processors=[signed_in])


def signed_in(request: Any) -> dict[str, Any]:
    """Who is signed in and their CSRF token, for the header and every form."""
    session = getattr(request.state, "cairn_session", None)
    unread, zone = 0, "UTC"
    if session is not None:
        from cairn.services.notifications import header_facts

        unread, zone = header_facts(request.app.state.context, session.principal.user_id)
    return {
        "me": session.principal if session else None,
        "csrf_token": session.csrf_token if session else "",
        "unread": unread,
        "me_zone": zone,
    }

"""Postmortem templates: the three built in, plus the team's own YAML files
from CAIRN_TEMPLATE_DIR (documented in docs/templates.md). A bad template is
refused with its file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cairn.config import Settings
from cairn.domain.templates import SectionSpec, Template, TemplateSet
from cairn.errors import ImportFailed, NotFound
from cairn.formats import yamlio

BUILT_IN_DIR = Path(__file__).resolve().parent.parent / "templates"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
TOP_KEYS = {"name", "title", "description", "severities", "teams", "sections", "checklist"}
SECTION_KEYS = {"id", "title", "help", "prompts", "required"}


def parse_template(text: str, source: str) -> Template:
    try:
        data, lines = yamlio.load_with_lines(text)
    except yamlio.UnsafeYaml as error:
        raise ImportFailed(error.reason, source=source, line=error.line) from None
    except Exception as error:  # yaml.YAMLError and friends: position in the message
        mark = getattr(error, "problem_mark", None)
        raise ImportFailed(f"not valid YAML: {getattr(error, 'problem', error)}", source=source, line=mark.line + 1 if mark else None) from None

    def fail(path: tuple, message: str) -> ImportFailed:
        return ImportFailed(f"{'.'.join(str(p) for p in path) or 'template'}: {message}", source=source, line=yamlio.line_for(lines, path))

    if not isinstance(data, dict):
        raise fail((), "must be a mapping with name, title and sections")
    for key in data:
        if key not in TOP_KEYS:
            raise fail((key,), f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")

    def text_at(mapping: dict, path: tuple, key: str, *, required: bool = False, limit: int = 2000) -> str:
        value = mapping.get(key)
        if value is None:
            if required:
                raise fail(path, f"{key} is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            raise fail(path + (key,), "must be non-empty text")
        if len(value) > limit:
            raise fail(path + (key,), f"is longer than {limit} characters")
        return value.strip()

    def texts_at(mapping: dict, path: tuple, key: str) -> tuple[str, ...]:
        value = mapping.get(key, [])
        if not isinstance(value, list):
            raise fail(path + (key,), "must be a list")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise fail(path + (key, index), "must be non-empty text")
        return tuple(item.strip() for item in value)

    name = text_at(data, (), "name", required=True, limit=63)
    if not NAME.match(name):
        raise fail(("name",), "use lower-case letters, digits, '-' and '_'")
    sections_data = data.get("sections")
    if not isinstance(sections_data, list) or not sections_data:
        raise fail(("sections",), "must list at least one section")
    sections, seen = [], set()
    for index, item in enumerate(sections_data):
        path = ("sections", index)
        if not isinstance(item, dict):
            raise fail(path, "must be a mapping with id and title")
        for key in item:
            if key not in SECTION_KEYS:
                raise fail(path + (key,), f"unknown key (known: {', '.join(sorted(SECTION_KEYS))})")
        section_id = text_at(item, path, "id", required=True, limit=63)
        if not ID.match(section_id):
            raise fail(path + ("id",), "use lower-case letters, digits and '_', starting with a letter")
        if section_id in seen:
            raise fail(path + ("id",), f"section {section_id!r} is listed twice")
        seen.add(section_id)
        required = item.get("required", False)
        if not isinstance(required, bool):
            raise fail(path + ("required",), "must be true or false")
        sections.append(SectionSpec(
            id=section_id, title=text_at(item, path, "title", required=True, limit=200),
            help=text_at(item, path, "help"), prompts=texts_at(item, path, "prompts"), required=required,
        ))
    return Template(
        name=name, title=text_at(data, (), "title", required=True, limit=200),
        description=text_at(data, (), "description"), severities=texts_at(data, (), "severities"),
        teams=texts_at(data, (), "teams"), sections=tuple(sections), checklist=texts_at(data, (), "checklist"),
        source=source,
    )


def read_template(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ImportFailed(error.strerror or "cannot read the file", source=str(path)) from None
    except UnicodeDecodeError:
        raise ImportFailed("not UTF-8 text", source=str(path)) from None
    return parse_template(text, str(path))


def template_set(settings: Settings) -> TemplateSet:
    """Built-in templates, then the team's; a team file with a built-in's name replaces it."""
    by_name: dict[str, Template] = {}
    for path in sorted(BUILT_IN_DIR.glob("*.yaml")):
        template = read_template(path)
        by_name[template.name] = Template(**{**template.__dict__, "source": "built-in"})
    folder = settings.template_dir
    if folder is not None:
        if not folder.is_dir():
            raise NotFound(f"template directory {folder} does not exist")
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            template = read_template(path)
            by_name[template.name] = template
    return TemplateSet(list(by_name.values()))


def require_template(settings: Settings, name: str) -> Template:
    for template in template_set(settings).templates:
        if template.name == name.strip():
            return template
    names = ", ".join(template.name for template in template_set(settings).templates)
    raise NotFound(f"no template {name!r}: choose one of {names}")


def describe(template: Template) -> dict[str, Any]:
    return {
        "name": template.name, "title": template.title, "description": template.description,
        "severities": list(template.severities), "teams": list(template.teams), "source": template.source,
        "sections": [
            {"id": s.id, "title": s.title, "help": s.help, "prompts": list(s.prompts), "required": s.required}
            for s in template.sections
        ],
        "checklist": list(template.checklist),
    }

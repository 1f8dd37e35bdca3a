"""YAML for front matter: times stay plain text, errors carry line numbers.

PyYAML would turn `2026-11-23T14:05:00+01:00` into a datetime on reading and
quote it on writing; both loader and dumper here drop the timestamp resolver
so times are read as strings (parsed by us, with clear errors) and written
without quotes.
"""

from __future__ import annotations

from typing import Any

import yaml

from cairn.formats.fielderror import Path


MAX_DEPTH = 32


class UnsafeYaml(Exception):
    """YAML that is valid but refused: aliases, duplicate keys, deep nesting."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise UnsafeYaml(f"key {key!r} must be text", key_node.start_mark.line + 1)
            if key in seen:
                raise UnsafeYaml(f"key {key!r} appears twice in the same mapping", key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Dumper(yaml.SafeDumper):
    pass


for _cls in (_Loader, _Dumper):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if any(ch in value for ch in _YAML_BREAKS):
        style: str | None = '"'  # YAML reads these as line breaks unless escaped
    elif "\n" in value and _block_safe(value):
        style = "|"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _block_safe(value: str) -> bool:
    """Literal blocks cannot carry trailing spaces on lines or odd line breaks."""
    if any(ch in value for ch in "\r\x85\u2028\u2029\t"):
        return False
    if value != value.strip(" \n") and (value.startswith((" ", "\n")) or value.endswith(" ")):
        return False
    return not any(line.endswith(" ") for line in value.split("\n"))


_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


def load(text: str) -> Any:
    return load_with_lines(text)[0]


def _check_events(text: str) -> None:
    """Refuse aliases (which can expand exponentially) and deep nesting."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UnsafeYaml("anchors and aliases (&name, *name) are not supported; write the values out", line)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnsafeYaml(f"nested deeper than {MAX_DEPTH} levels", line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except RecursionError:
        raise UnsafeYaml(f"nested deeper than {MAX_DEPTH} levels", 1) from None


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse once: the data, and the line of every value's path."""
    _check_events(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, _node_lines(node)


def _node_lines(root: yaml.Node | None) -> dict[Path, int]:
    """Map each value's path to its 1-based line (aliases are refused before)."""
    lines: dict[Path, int] = {}

    def walk(node: yaml.Node | None, path: Path) -> None:
        if node is None:
            return
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                lines[path + (key,)] = key_node.start_mark.line + 1
                walk(value_node, path + (key,))
                lines[path + (key,)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    walk(root, ())
    return lines


def line_for(lines: dict[Path, int], path: Path) -> int | None:
    """Line of the deepest known prefix of `path`."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None

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


class _Loader(yaml.SafeLoader):
    pass


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
    return yaml.load(text, Loader=_Loader)


def node_lines(text: str) -> dict[Path, int]:
    """Map each value's path to its 1-based line in `text`."""
    lines: dict[Path, int] = {}
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return lines

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

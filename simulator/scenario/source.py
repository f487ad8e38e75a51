"""YAML → plain data, remembering the line each key and item came from.

``load_yaml`` returns the data and a map from a path (``("steps", 3, "gws")``)
to its 1-based line, so that every error can name the line. Duplicate keys,
which YAML parsers usually let the last one win, are errors here.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor

Path = tuple[Any, ...]


class SourceError(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(line, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(None, f"not valid YAML: {exc}") from None
    if node is None:
        raise SourceError(1, "the file is empty")
    lines: dict[Path, int] = {(): node.start_mark.line + 1}
    return _build(node, (), lines, SafeConstructor()), lines


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], constructor: SafeConstructor) -> Any:
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)  # resolve YAML merge keys (<<)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path, lines, constructor)
            if isinstance(key, (dict, list)):
                raise SourceError(key_node.start_mark.line + 1, "a mapping key must be a plain value")
            if key in out:
                raise SourceError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            text_key = str(key) if isinstance(key, int) and not isinstance(key, bool) else key
            lines[path + (text_key,)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, path + (text_key,), lines, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            items.append(_build(item, path + (index,), lines, constructor))
        return items
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise SourceError(node.start_mark.line + 1, f"bad value: {exc}") from None


def line_of(lines: dict[Path, int], loc: Path) -> int | None:
    """The line of the longest known prefix of ``loc``."""
    for end in range(len(loc), -1, -1):
        line = lines.get(tuple(loc[:end]))
        if line is not None:
            return line
    return None

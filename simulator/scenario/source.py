"""YAML → plain data, remembering the line each key and item came from.

``load_yaml`` returns the data and a map from a path (``("steps", 3, "gws")``)
to its 1-based line, so that every error can name the line.

A scenario file is read defensively — any text gives data or a ``SourceError``
with a line, never a crash:

- duplicate keys are errors (YAML parsers usually let the last one win), and
  ``15000`` and ``"15000"`` are the same key;
- nesting deeper than ``MAX_DEPTH`` is refused before anything recursive runs;
- aliases may expand to at most ``ALIAS_BUDGET`` values in all (no "billion
  laughs");
- a value YAML cannot build (an integer of thousands of digits) is an error on
  its line; dates are not special: ``2001-13-45`` is text, as in JSON.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

Path = tuple[Any, ...]

MAX_DEPTH = 64
ALIAS_BUDGET = 10_000
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
STR_TAG = "tag:yaml.org,2002:str"

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML has it


class _Loader(_Parser):  # type: ignore[valid-type,misc]
    """A safe loader that reads dates as text."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in _Parser.yaml_implicit_resolvers.items()
    }


class SourceError(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    _check_depth(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(line, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(None, f"not valid YAML: {exc}") from None
    if node is None:
        raise SourceError(1, "the file is empty")
    lines: dict[Path, int] = {(): node.start_mark.line + 1}
    builder = _Builder(lines)
    return builder.build(node, (), 0), lines


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, reading events (which is not recursive)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SourceError(event.start_mark.line + 1 if event.start_mark else None,
                                      f"nested more than {MAX_DEPTH} levels deep; a scenario never needs that")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # compose reports it, with its line


class _Builder:
    """Builds plain data from composed nodes, counting what aliases expand to."""

    def __init__(self, lines: dict[Path, int]):
        self.lines = lines
        self.constructor = SafeConstructor()
        self.seen: set[int] = set()  # collection nodes built once already: another visit is an alias
        self.open: set[int] = set()  # collection nodes being built now: meeting one again is a cycle
        self.expanded = 0

    def build(self, node: yaml.Node, path: Path, expanding: int) -> Any:
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self._build(node, path, expanding)
        if id(node) in self.open:
            raise SourceError(node.start_mark.line + 1, "an alias here refers to a collection that contains it")
        if id(node) in self.seen:
            expanding += 1
        self.seen.add(id(node))
        self.open.add(id(node))
        try:
            return self._build(node, path, expanding)
        finally:
            self.open.discard(id(node))

    def _build(self, node: yaml.Node, path: Path, expanding: int) -> Any:
        if expanding:
            self.expanded += 1
            if self.expanded > ALIAS_BUDGET:
                raise SourceError(node.start_mark.line + 1, f"YAML aliases here expand to more than "
                                                            f"{ALIAS_BUDGET:,} values; tsim refuses such files")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, expanding)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = item.start_mark.line + 1
                items.append(self.build(item, path + (index,), expanding))
            return items
        if node.tag == STR_TAG:  # most scalars: their text, as SafeConstructor gives it, without its bookkeeping
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "value"
            digits = len(str(node.value).strip().lstrip("+-").replace("_", ""))
            why = f"a number of {digits:,} digits is longer than any tsim reads" \
                if "integer string conversion" in str(exc) else f"bad value: {_short(exc)}"
            raise SourceError(node.start_mark.line + 1, f"{where}: {why}") from None

    def _mapping(self, node: yaml.MappingNode, path: Path, expanding: int) -> dict[Any, Any]:
        try:
            self.constructor.flatten_mapping(node)  # resolve YAML merge keys (<<)
        except yaml.YAMLError as exc:
            raise SourceError(node.start_mark.line + 1, f"not valid YAML: {_short(exc)}") from None
        out: dict[Any, Any] = {}
        texts: set[str] = set()
        for key_node, value_node in node.value:
            key = self.build(key_node, path, expanding)
            line = key_node.start_mark.line + 1
            if isinstance(key, (dict, list)):
                raise SourceError(line, "a mapping key must be a plain value")
            text_key = str(key) if isinstance(key, (int, float)) and not isinstance(key, bool) else key
            if key in out or (isinstance(text_key, str) and text_key in texts):
                raise SourceError(line, f"duplicate key {key!r}")
            if isinstance(text_key, str):
                texts.add(text_key)
            self.lines[path + (text_key,)] = line
            out[key] = self.build(value_node, path + (text_key,), expanding)
        return out


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "problem", None) or exc)
    return text if len(text) <= 120 else text[:117] + "..."


def line_of(lines: dict[Path, int], loc: Path) -> int | None:
    """The line of the longest known prefix of ``loc``."""
    for end in range(len(loc), -1, -1):
        line = lines.get(tuple(loc[:end]))
        if line is not None:
            return line
    return None


class _NotPlain(Exception):
    """JSON text that YAML would read differently, or that needs YAML's checks."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _NotPlain("a duplicate key: the YAML reading reports it, with its line")
    return out


def _float(text: str) -> float:
    if "." not in text:  # 1e3 is text to YAML 1.1 (its floats need a dot): let YAML decide
        raise _NotPlain(text)
    return float(text)


def _constant(text: str) -> Any:
    raise _NotPlain(text)  # NaN and Infinity are not JSON, nor finite


def plain_json(text: str) -> Any:
    """The data of ``text`` if it is plain JSON that YAML would read the same way,
    else None (then it is read as YAML, with its checks and its lines)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_float=_float, parse_constant=_constant)
    except (_NotPlain, ValueError, RecursionError):
        return None
    return data if _shallow(data) else None


def _shallow(data: Any) -> bool:
    """No deeper than MAX_DEPTH, as YAML reading requires (checked without recursion)."""
    level: list[Any] = [data]
    for _ in range(MAX_DEPTH):
        deeper: list[Any] = []
        for node in level:
            if type(node) is dict:
                deeper += [v for v in node.values() if type(v) is dict or type(v) is list]
            else:
                deeper += [v for v in node if type(v) is dict or type(v) is list]
        if not deeper:
            return True
        level = deeper
    return False

"""YAML with line numbers: the data python-frontmatter would give, plus where each key sits.

Editors need ``file:line`` for every mistake, so front matter is composed with
``yaml.compose`` semantics (SafeLoader) and each key's ``start_mark`` is kept.
"""

from __future__ import annotations

import pickle
import re
from typing import Any, Optional

import yaml

from ..errors import Diagnostic

Key = tuple[Any, ...]


class LineMap:
    """Maps a key path such as ``("mechanisms", 2)`` to a 1-based line in the source file.

    Kept packed (pickled, about 150 bytes): every document keeps its map from loading to the end
    of the build, in each process, and reads it only to report a problem or name a route's line.
    As a dict of tuples it was 1.6 KB a release, 16 MB at 10,000 releases in each process."""

    __slots__ = ("_packed", "default")

    def __init__(self, lines: dict[Key, int], default: int):
        self._packed = pickle.dumps(tuple(lines.items()), protocol=pickle.HIGHEST_PROTOCOL) if lines else b""
        self.default = default

    @property
    def lines(self) -> dict[Key, int]:
        return dict(pickle.loads(self._packed)) if self._packed else {}

    def exact(self, *key: Any, default: int = 1) -> int:
        """The line of exactly ``key``, or ``default`` when the file does not have it."""
        return self.lines.get(key, default)

    def at(self, *key: Any) -> int:
        """The line of the deepest known prefix of ``key`` (falls back to the mapping's start)."""
        lines = self.lines
        while key:
            if key in lines:
                return lines[key]
            key = key[:-1]
        return self.default

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineMap) and (self._packed, self.default) == (other._packed, other.default)

    def __hash__(self) -> int:
        return hash((self._packed, self.default))

    def __repr__(self) -> str:
        return f"LineMap({self.lines!r}, {self.default!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpacked_map, (self._packed, self.default)


def _unpacked_map(packed: bytes, default: int) -> LineMap:
    """A ``LineMap`` from its pickled form, without packing it again."""
    found = LineMap({}, default)
    found._packed = packed
    return found


class YamlError(Exception):
    """Malformed YAML or a YAML construct we do not accept, with its 1-based line."""

    def __init__(self, message: str, line: int, hint: str = "check the indentation and quotes on that line",
                 code: str = "malformed-yaml"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint
        self.code = code

    def diagnostic(self, path: str) -> Diagnostic:
        """The error as editors see it, at ``path``:line."""
        if self.code == "yaml-limit":
            return Diagnostic(path, self.line, self.message, self.hint, code="yaml-limit")
        if self.code == "yaml-type":
            return Diagnostic(path, self.line, self.message, self.hint, code="yaml-type")
        return Diagnostic(path, self.line, self.message, self.hint, code="malformed-yaml")


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same nodes, 5x faster


class _StrictLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader that leaves dates and decimals as text: ``schema`` parses them and explains a bad one.

    (PyYAML would turn ``2015-13-01`` into a ValueError with no line; we want a message.)
    """


# Dates stay text (see above) and so do decimals: ``number: 5.10`` must not become meeting 5.1.
_KEPT_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float"}
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _KEPT_AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# Limits (docs/editing.md, "Limits"): front matter is a few fields deep, a few hundred values long.
MAX_DEPTH = 32  # nested lists and mappings
MAX_VALUES = 100_000  # values once every alias is expanded ("billion laughs" stops here)
_SCAN_ABOVE = 4096  # characters: shorter text without aliases and few brackets cannot be too deep
_LIMIT_HINT = "write each value out in full instead of using anchors (&) and aliases (*)"
# Without these no value is an alias (*) nor of a type outside _ACCEPTED_TAGS (a tag is written with
# !, and the one implicit type outside them, !!value, is the scalar =): _check_graph has nothing to find.
_GRAPH_MARKS = ("*", "!", "=")
_ACCEPTED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "bool", "null", "seq", "map", "merge")}


def _check_nesting(text: str, offset: int) -> None:
    """Refuse too deep nesting from the parser's events, before the (recursive) composer meets it."""
    if len(text) < _SCAN_ABOVE and "*" not in text and text.count("[") + text.count("{") < MAX_DEPTH:
        return  # cannot nest MAX_DEPTH deep (block nesting that deep needs far more characters)
    scanner = _StrictLoader(text)
    try:
        depth = 0
        while scanner.check_event():
            event = scanner.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"lists and mappings nested more than {MAX_DEPTH} levels deep",
                                    (event.start_mark.line if event.start_mark else 0) + 1 + offset,
                                    "look for a [ or { that is never closed; front matter needs only a few levels",
                                    "yaml-limit")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        scanner.dispose()


def _check_graph(root: yaml.Node, offset: int) -> None:
    """Refuse an alias that contains itself, more than MAX_VALUES values once aliases are expanded,
    and YAML types that have no place in front matter (``!!set``, ``!!binary``, ``!!timestamp``...),
    whose text would depend on hash order or print as ``b'...'``. Iterative: no recursion to overflow."""
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        line = node.start_mark.line + 1 + offset
        children = _children(node)
        if done:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
            if size[id(node)] > MAX_VALUES:
                raise YamlError(f"more than {MAX_VALUES:,} values once aliases (*) are expanded", line,
                                _LIMIT_HINT, "yaml-limit")
            continue
        if id(node) in size:
            continue
        if id(node) in open_nodes:
            raise YamlError("an alias (*) refers to the list or mapping that contains it", line, _LIMIT_HINT, "yaml-limit")
        if node.tag not in _ACCEPTED_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlError(f"the YAML type {shown} is not accepted", line,
                            "write the value as plain text, a number, true/false or a list", "yaml-type")
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _collect_lines(node: yaml.Node, path: Key, offset: int, lines: dict[Key, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise YamlError(f"duplicate key '{key}'", key_node.start_mark.line + 1 + offset)
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1 + offset
            _collect_lines(value_node, path + (key,), offset, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1 + offset
            _collect_lines(item, path + (index,), offset, lines)


def _describe(exc: yaml.MarkedYAMLError, text: str, offset: int) -> tuple[str, int]:
    """A YAML syntax error at the line an editor must fix.

    Usually that is where the parser stopped. But a quoted value runs on, over line breaks, to the
    next quotation mark of the same kind: an unclosed quote is noticed at the end of the file, or
    lines later where another quoted value closes it by mistake. So when a line before the error
    opens a quoted value and does not close it, that line is the one to show.
    """
    problem = exc.problem or "malformed YAML"
    if exc.context and problem in ("second occurrence",):
        problem = f"{exc.context.split(';')[0]} (a second time)"
    mark = exc.problem_mark or exc.context_mark
    error_line = mark.line if mark else 0
    opened = _unclosed_quote(text, error_line)
    if opened is not None:
        return "malformed YAML: a quotation mark opened on this line is never closed", opened + 1 + offset
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark
    line = (mark.line + 1 + offset) if mark else offset + 1
    return f"malformed YAML: {problem}", line


# a value that starts with a quotation mark: `key: "...` or `- '...`
_QUOTED_START = re.compile(r"""^\s*(?:-\s+)*(?:[^\s#'"][^:#]*:\s+)?(["'])""")


def _unclosed_quote(text: str, error_line: int) -> Optional[int]:
    """The 0-based line, at or before ``error_line``, whose quoted value is not closed on it."""
    for number, line in enumerate(text.split("\n")[:error_line + 1]):
        found = _QUOTED_START.match(line)
        if found and not _closes(line[found.end():], found[1]):
            return number
    return None


def _closes(rest: str, quote: str) -> bool:
    """Whether ``rest`` (after an opening quote) closes it: \\" escapes in "...", '' in '...'."""
    if quote == '"':
        return re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None
    return re.search(r"'", rest.replace("''", "")) is not None


def load_yaml(text: str, offset: int = 0) -> tuple[Any, LineMap]:
    """Parse ``text``; ``offset`` is the number of file lines before it (e.g. 1 for the opening ---)."""
    loader = _StrictLoader(text)
    try:
        _check_nesting(text, offset)
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({}, offset + 1)
        if any(mark in text for mark in _GRAPH_MARKS):
            _check_graph(node, offset)
        lines: dict[Key, int] = {}
        _collect_lines(node, (), offset, lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise YamlError(*_describe(exc, text, offset)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept, e.g. a control character
        line = text.count("\n", 0, exc.position) + 1 + offset
        raise YamlError(f"malformed YAML: character #x{exc.character:04x} is not allowed ({exc.reason})"
                        if isinstance(exc.character, int) else f"malformed YAML: {exc.reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {str(exc).splitlines()[0]}", offset + 1) from None
    except KeyError as exc:  # !!bool "maybe": PyYAML looks the text up in its table of true and false
        raise YamlError(f"malformed YAML: {exc} cannot be read as the type its !! tag names", offset + 1) from None
    except (ValueError, TypeError) as exc:  # a value PyYAML cannot construct
        raise YamlError(f"malformed YAML: {exc}", offset + 1) from None
    except (IndexError, ArithmeticError):  # !!int "": PyYAML reads the first character of an empty text
        raise YamlError("malformed YAML: a value cannot be read as the type its !! tag names", offset + 1) from None
    finally:
        loader.dispose()
    return data, LineMap(lines, node.start_mark.line + 1 + offset)

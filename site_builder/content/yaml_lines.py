"""YAML with line numbers: the data python-frontmatter would give, plus where each key sits.

Editors need ``file:line`` for every mistake, so front matter is composed with
``yaml.compose`` semantics (SafeLoader) and each key's ``start_mark`` is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

import yaml

Key = tuple[Any, ...]


@dataclass(frozen=True)
class LineMap:
    """Maps a key path such as ``("mechanisms", 2)`` to a 1-based line in the source file."""

    lines: dict[Key, int]
    default: int

    def exact(self, *key: Any, default: int = 1) -> int:
        """The line of exactly ``key``, or ``default`` when the file does not have it."""
        return self.lines.get(key, default)

    def at(self, *key: Any) -> int:
        """The line of the deepest known prefix of ``key`` (falls back to the mapping's start)."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.default


class YamlError(Exception):
    """Malformed YAML or a YAML construct we do not accept, with its 1-based line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


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
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({}, offset + 1)
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
        raise YamlError(f"malformed YAML: {exc}", offset + 1) from None
    except (ValueError, TypeError) as exc:  # a value PyYAML cannot construct
        raise YamlError(f"malformed YAML: {exc}", offset + 1) from None
    finally:
        loader.dispose()
    return data, LineMap(lines, node.start_mark.line + 1 + offset)

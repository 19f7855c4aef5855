"""How a field of a content file is declared, read and checked.

Each model class of ``model`` declares its fields once, with ``declared``: the attribute's type,
whether it is required, its default, the coercion from raw YAML and its line in the editors' guide.
``validate`` reads a file's mapping against those declarations and reports every problem (missing,
mistyped, unknown key with a suggestion); ``guide`` prints the declarations as the guide's tables.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import MISSING, dataclass, field
from typing import Any, Callable

from . import dates
from ..errors import Diagnostic, did_you_mean
from .yaml_lines import LineMap

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_PATTERN = ID_PATTERN
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Characters XML 1.0 forbids (feeds and the sitemap would not parse) and that no page should carry:
# C0 controls but tab and line breaks, lone surrogates (from YAML escapes), U+FFFE and U+FFFF.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class FieldError(ValueError):
    """A bad value; ``key`` narrows the line (e.g. the index of a bad list item)."""

    def __init__(self, message: str, hint: str = "", key: tuple[Any, ...] = ()):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.key = key


Coerce = Callable[[Any], Any]


@dataclass(frozen=True)
class Rule:
    """How one key of a file is read, and how the editors' guide describes it."""

    key: str  # as written in the file (an attribute may be named otherwise: "from" -> start)
    coerce: Coerce
    required: bool
    meaning: str
    example: str


@dataclass(frozen=True)
class Field:
    """A declared field of a model class: its attribute name and the rule that reads it."""

    name: str
    rule: Rule


def declared(coerce: Coerce, *, required: bool = False, default: Any = MISSING,
             default_factory: Callable[[], Any] | Any = MISSING, key: str = "", meaning: str = "",
             example: str = "") -> Any:
    """A model attribute that is read from a file: its coercion, whether it is required, its default
    and its line in the editors' guide, in one declaration next to the attribute's type.

    A required field has no default; an optional one must have one (what an absent key means).
    """
    if required == (default is MISSING and default_factory is MISSING):
        rule = Rule(key, coerce, required, meaning, example)
        return field(default=default, default_factory=default_factory, metadata={RULE: rule})
    raise TypeError("a required field has no default; an optional field needs one")


RULE = "site_builder.rule"


@functools.cache
def fields_of(model: type) -> tuple[Field, ...]:
    """The declared fields of ``model``, in declaration order (the order of the guide's tables).

    Kept per class (a model's declarations never change while the program runs): every file's
    validation asks for them, and making them took a fifth of the YAML stage."""
    found = []
    for attribute in dataclasses.fields(model):
        rule: Rule | None = attribute.metadata.get(RULE)
        if rule is not None:
            found.append(Field(attribute.name, dataclasses.replace(rule, key=rule.key or attribute.name)))
    return tuple(found)


def complete(values: dict[str, Any], model: type) -> bool:
    """Whether ``values`` holds every required field of ``model`` (so the object can be made)."""
    return all(f.name in values for f in fields_of(model) if f.rule.required)


# --- coercers: raw YAML value -> typed value, or FieldError -------------------------------

def text(value: Any) -> str:
    """Text, or a whole number written without quotes; never a list, a mapping or true/false."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FieldError(f"expected text, got {describe(value)}", "put the text on the same line, in quotes if it has a colon")
    return printable(str(value).strip())


def identifier(value: Any) -> str:
    """An id as used in lists: meeting numbers may come as numbers (5.1), others are strings."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FieldError(f"expected an id, got {describe(value)}")
    return printable(str(value).strip())


def printable(value: str) -> str:
    """``value`` unless it holds a character no page or feed may carry (see FORBIDDEN_CHARACTER)."""
    bad = FORBIDDEN_CHARACTER.search(value)
    if bad:
        raise FieldError(f"contains the invisible control character U+{ord(bad.group()):04X}",
                         "retype the text: such characters are often pasted in from other programs")
    return value


def list_of(item: Callable[[Any], str], unique: bool = False) -> Callable[[Any], tuple[str, ...]]:
    """A list whose items ``item`` checks; a single value is a list of one (a common slip).

    ``unique``: an item listed twice is an error at its line (a release listed twice on a page).
    """
    def check(value: Any) -> tuple[str, ...]:
        result: list[str] = []
        seen: set[str] = set()
        for index, element in enumerate(value if isinstance(value, list) else [value]):
            try:
                checked = item(element)
            except FieldError as exc:
                raise FieldError(exc.message, exc.hint, (index,)) from None
            if unique and checked in seen:
                raise FieldError(f"'{checked}' is listed twice", "remove the second one", (index,))
            seen.add(checked)
            result.append(checked)
        return tuple(result)
    return check


def as_written(value: Any) -> Any:
    """No coercion here: the value needs context (site.yaml's kinds are checked against its languages)."""
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {describe(value)}")
    return value


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FieldError(f"expected a whole number of at least 1, got {describe(value)}")
    return value


def year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2999:
        raise FieldError(f"expected a year such as 2004, got {describe(value)}")
    return value


def exact_date(value: Any) -> Any:
    try:
        return dates.parse_exact(value)
    except dates.DateError as exc:
        raise FieldError(str(exc), dates.DATE_FORMAT_HINT) from None


def fuzzy_date(value: Any) -> dates.FuzzyDate:
    try:
        return dates.parse_fuzzy(value)
    except dates.DateError as exc:
        raise FieldError(str(exc), dates.FUZZY_FORMAT_HINT) from None


def year_or_date(value: Any) -> str:
    """A mandate's start or end: a year (2014), a month (2020-05) or a day (2020-05-01)."""
    if value is None or value == "":
        return ""
    try:
        return dates.parse_fuzzy(value).iso()
    except dates.DateError as exc:
        raise FieldError(str(exc), "write a year (2014) or a date (2020-05-01)") from None


def url(value: Any) -> str:
    result = text(value)
    if not URL_PATTERN.match(result):
        raise FieldError(f"'{result}' is not an absolute web address", "start it with https://")
    return result


id_list = list_of(identifier, unique=True)
text_list = list_of(text)


def slug(value: Any) -> str:
    result = text(value)
    if not SLUG_PATTERN.match(result):
        raise FieldError(f"'{result}' is not a valid slug", f"use lowercase letters, digits and hyphens, e.g. '{slugify(result) or 'my-release'}'")
    return result


def alias_paths(value: Any) -> tuple[str, ...]:
    """Old site-relative addresses: ``/2010/12/old.html`` or ``/old/page/``."""
    items = value if isinstance(value, list) else [value]
    result = []
    for index, item in enumerate(items):
        path = text(item)
        bad = (not path.startswith("/") or "//" in path or "?" in path or "#" in path
               or any(part in (".", "..") for part in path.split("/")) or path == "/")
        if not bad and any(part.startswith(".") for part in path.split("/")):
            raise FieldError(f"'{path}' names a hidden file", "web servers treat names starting with a dot "
                             "(.htaccess) as settings: an old address never starts with one", (index,))
        if bad:
            raise FieldError(f"'{path}' is not a path on this site",
                             "write it as it follows the site address, starting with /, e.g. /2010/12/old-page.html", (index,))
        result.append(path)
    return tuple(result)


url_list = list_of(url)


def choice(*choices: str) -> Coerce:
    def check(value: Any) -> str:
        result = text(value)
        if result not in choices:
            hint = did_you_mean(result, choices) or "use one of " + ", ".join(choices)
            raise FieldError(f"'{result}' is not allowed here", hint)
        return result
    return check


def records(model: type) -> Coerce:
    """A list of small mappings such as contacts or attachments, each read as one ``model`` object."""
    rules = fields_of(model)
    known = {f.rule.key for f in rules}

    def check(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise FieldError(f"expected a list, got {describe(value)}", "start each item on its own line with '- '")
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise FieldError(f"item {index + 1} should be a mapping with {', '.join(sorted(known))}", key=(index,))
            for key in item:
                if key not in known:
                    raise FieldError(f"unknown key '{key}'", did_you_mean(str(key), known), (index, key))
            values: dict[str, Any] = {}
            for declared_field in rules:
                rule = declared_field.rule
                raw = item.get(rule.key)
                if raw is None or raw == "":
                    if rule.required:
                        raise FieldError(f"item {index + 1} is missing '{rule.key}'", key=(index,))
                    continue
                try:
                    values[declared_field.name] = rule.coerce(raw)
                except FieldError as exc:
                    raise FieldError(exc.message, exc.hint, (index, rule.key)) from None
            result.append(model(**values))
        return tuple(result)
    return check


def describe(value: Any) -> str:
    """How a wrong value looks to an editor."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if not isinstance(value, (str, int, float)):
        return "a value of another type"
    return f"'{value}'"


def slugify(value: str) -> str:
    """A URL segment from a title or file name: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def validate(meta: Any, lines: LineMap, model: type, path: str,
             what: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check ``meta`` against the declared fields of ``model``.

    Returns the typed values of the keys present, by attribute name (absent keys are left to the
    model's defaults), and every problem found.
    """
    problems: list[Diagnostic] = []
    if not isinstance(meta, dict):
        problems.append(Diagnostic(path, lines.default, f"the {what} must be a set of 'key: value' lines",
                                   "see docs/editing.md for an example", code="not-a-mapping"))
        return {}, problems
    rules = fields_of(model)
    known = {f.rule.key for f in rules}
    for key in meta:
        if key not in known:
            problems.append(Diagnostic(path, lines.at(key), f"unknown field '{key}' in {what}",
                                       did_you_mean(str(key), known) or "allowed: " + ", ".join(sorted(known)),
                                       code="unknown-field"))
    values: dict[str, Any] = {}
    for declared_field in rules:
        rule, name = declared_field.rule, declared_field.rule.key
        raw = meta.get(name)
        if raw is None or raw == "" or raw == []:
            if rule.required:
                problems.append(Diagnostic(path, lines.at(name) if name in meta else lines.default,
                                           f"missing required field '{name}'",
                                           f"add a line '{name}: ...' to the {what}", code="missing-field"))
            continue
        try:
            value = rule.coerce(raw)
        except FieldError as exc:
            problems.append(Diagnostic(path, lines.at(name, *exc.key), f"{name}: {exc.message}",
                                       exc.hint, code="bad-value"))
            continue
        if rule.required and value == "":
            problems.append(Diagnostic(path, lines.at(name), f"'{name}' is empty",
                                       f"write the {name} after '{name}:'", code="missing-field"))
            continue
        values[declared_field.name] = value
    return values, problems

"""Site settings (content/site.yaml) and the topic vocabulary (content/topics.yaml)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any, Optional

from . import locales, schema
from ..errors import ContentError, Diagnostic, did_you_mean
from .model import DEFAULT_KINDS, SiteConfig, Topic
from .read import read_text
from .yaml_lines import LineMap, YamlError, load_yaml

SITE_FILE = "site.yaml"
TOPICS_FILE = "topics.yaml"


def load_site_config(content: Path, base_url: Optional[str] = None) -> SiteConfig:
    """Read and check site.yaml; ``base_url`` (from --base-url) overrides the file's."""
    data, lines = _read_yaml(content, SITE_FILE)
    values, problems = schema.validate(data, lines, SiteConfig, SITE_FILE, "site settings")
    if base_url is not None:
        try:
            values["base_url"] = schema.url(base_url)
        except schema.FieldError as exc:
            problems.append(Diagnostic("--base-url", 0, exc.message, exc.hint, code="bad-value"))
    if "base_url" in values:
        problem = _base_url_problem(values["base_url"])
        if problem:
            problems.append(Diagnostic("--base-url" if base_url is not None else SITE_FILE,
                                       0 if base_url is not None else lines.at("base_url"), problem,
                                       "e.g. https://example.org/archive/", code="bad-value"))
    languages = tuple(values.get("languages", ()))
    for index, lang in enumerate(languages):
        if not schema.ID_PATTERN.match(lang):
            problems.append(Diagnostic(SITE_FILE, lines.at("languages", index), f"languages: '{lang}' is not a language code",
                                       "use two-letter codes such as en, fr, es", code="bad-value"))
        elif not locales.is_known(lang):
            problems.append(Diagnostic(SITE_FILE, lines.at("languages", index),
                                       f"languages: '{lang}' is not a language CLDR knows",
                                       did_you_mean(lang, locales.known_languages())
                                       or "use an ISO 639 code such as en, fr, es, ar, ru", code="bad-value"))
    if len(set(languages)) != len(languages):
        problems.append(Diagnostic(SITE_FILE, lines.at("languages"), "languages: a language is listed twice", code="bad-value"))
    kinds = _kinds(data.get("kinds") if isinstance(data, dict) else None, lines, languages, problems)
    if problems:
        raise ContentError(problems)
    base = values["base_url"]
    return SiteConfig(**{**values, "base_url": base if base.endswith("/") else base + "/", "kinds": kinds})


def _base_url_problem(base_url: str) -> str:
    """Every link and redirect starts with base_url's path: ``//evil.example/`` there would send readers
    to another site, a quote or ``<`` would break out of attributes. Only a plain path is accepted."""
    parts = urlsplit(base_url)
    if parts.query or parts.fragment or "?" in base_url or "#" in base_url:
        return f"base_url: '{base_url}' must not have a ? or # part"
    if "//" in parts.path or "\\" in parts.path:
        return f"base_url: the path of '{base_url}' must not contain // or a backslash"
    if not re.fullmatch(r"[A-Za-z0-9._~/%+,;=:@-]*", parts.path) or not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", parts.netloc):
        return f"base_url: '{base_url}' has characters an address cannot have; write them %-encoded"
    return ""


def _kinds(raw: Any, lines: LineMap, languages: tuple[str, ...], problems: list[Diagnostic]) -> dict[str, dict[str, str]]:
    """``kinds`` maps an id to a label, or to labels per language."""
    if raw is None:
        return dict(DEFAULT_KINDS)
    if not isinstance(raw, dict) or not raw:
        problems.append(Diagnostic(SITE_FILE, lines.at("kinds"), "kinds: expected a mapping of kind ids to labels",
                                   "e.g. 'press-release: Press release'", code="bad-value"))
        return {}
    kinds: dict[str, dict[str, str]] = {}
    for kind, label in raw.items():
        line = lines.at("kinds", kind)
        if not schema.ID_PATTERN.match(str(kind)):
            problems.append(Diagnostic(SITE_FILE, line, f"kinds: '{kind}' is not a valid id",
                                       "use lowercase letters, digits and hyphens", code="bad-value"))
        elif isinstance(label, str) and label.strip():
            kinds[kind] = {languages[0] if languages else "en": label.strip()}
        elif isinstance(label, dict) and label and all(isinstance(v, str) for v in label.values()):
            unknown = [lang for lang in label if lang not in languages]
            if unknown:
                problems.append(Diagnostic(SITE_FILE, lines.at("kinds", kind, unknown[0]),
                                           f"kinds: '{unknown[0]}' is not one of the site's languages",
                                           "languages: " + ", ".join(languages), code="unknown-language"))
            kinds[kind] = {str(k): v.strip() for k, v in label.items()}
        else:
            problems.append(Diagnostic(SITE_FILE, line, f"kinds: the label of '{kind}' must be text or one text per language",
                                       code="bad-value"))
    return kinds


def load_topics(content: Path) -> tuple[Topic, ...]:
    """Read topics.yaml: ``id: {title, description}``; a missing file means no topics."""
    if not (content / TOPICS_FILE).exists():
        return ()
    data, lines = _read_yaml(content, TOPICS_FILE)
    if data is None:
        return ()
    problems: list[Diagnostic] = []
    topics = []
    if not isinstance(data, dict):
        raise ContentError([Diagnostic(TOPICS_FILE, lines.default, "topics must be a mapping of ids to {title, description}",
                                       code="not-a-mapping")])
    for topic_id, entry in data.items():
        line = lines.at(topic_id)
        if not schema.ID_PATTERN.match(str(topic_id)):
            problems.append(Diagnostic(TOPICS_FILE, line, f"'{topic_id}' is not a valid topic id",
                                       f"use lowercase letters, digits and hyphens, e.g. '{schema.slugify(str(topic_id))}'",
                                       code="bad-value"))
            continue
        sub = LineMap({k[1:]: v for k, v in lines.lines.items() if k[:1] == (topic_id,)}, line)
        values, found = schema.validate(entry, sub, Topic, TOPICS_FILE, f"topic '{topic_id}'")
        problems.extend(found)
        if not found:
            topics.append(Topic(**values, id=str(topic_id), line=line))
    if problems:
        raise ContentError(problems)
    return tuple(sorted(topics, key=lambda t: t.id))


def _read_yaml(content: Path, name: str) -> tuple[Any, LineMap]:
    path = content / name
    if not path.exists():
        raise ContentError([Diagnostic(name, 0, f"{name} is missing",
                                       f"create {path} (see docs/editing.md)", code="missing-file")])
    text = read_text(path, name)
    try:
        return load_yaml(text)
    except YamlError as exc:
        raise ContentError([exc.diagnostic(name)]) from None

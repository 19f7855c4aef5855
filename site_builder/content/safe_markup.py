"""Markdown's own markup sanitised without a parser: the bytes nh3 would write, or None.

nh3 (Ammonia) parses a body with html5ever, filters the tree and writes it again: about half a
millisecond a release, a tenth of a cold build's loading. Most bodies hold no HTML their author
wrote (Python-Markdown's stash of raw HTML stayed empty), only the markup Markdown writes itself:
well-nested tags, escaped text, attributes in double quotes. For those, what the sanitiser does is
known in advance, and ``clean`` does it in one pass of a regular expression over the string:

- every tag and attribute is checked against the same allowlist, every ``href`` and ``src``
  against the same schemes; an address nh3 would drop, an attribute or tag it would remove, a
  comment, or anything this module does not recognise gives None, and the caller runs nh3;
- what html5ever's serialiser writes differently is written its way: character references decoded
  and the text escaped again (``&amp; &lt; &gt;`` and ``&nbsp;``; quotes too in attributes),
  ``<br />`` as ``<br>``, ``text-align`` styles without spaces, ``rel="noopener noreferrer"``
  after the attributes of a link with an address;
- a shape html5ever's tree builder would rebuild gives None too: a link inside a link, a table
  whose rows are not in a ``thead`` or ``tbody``, a ``pre`` whose first character is a new line.

Blocks inside paragraphs and misnested tags, which html5ever would also rebuild, only come from
raw HTML, so the caller offers only bodies with an empty stash. Safety does not rest on that: no
tag, attribute or address leaves ``clean`` unless nh3 would keep it. tests/test_safe_markup.py
compares ``clean`` with nh3 on generated bodies and on every fixture.
"""

from __future__ import annotations

import re
from html.entities import html5 as _NAMED
from typing import Optional

from .allowlist import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

REL = ' rel="noopener noreferrer"'  # what nh3 adds to every link (see sanitise.py for those without an address)

# tags Markdown writes bare (no attributes) and nh3 writes back as they are: not looked at
_BARE = ("p", "em", "strong", "li", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "blockquote", "code", "thead",
         "tbody", "tr", "th", "td", "del", "sup", "sub", "b", "i", "s", "u", "small", "mark", "ins", "kbd",
         "q", "cite", "abbr", "span", "div", "dl", "dt", "dd", "caption", "tfoot", "figure", "figcaption")
assert set(_BARE) <= ALLOWED_TAGS

_VOID = frozenset({"br", "hr", "img"})
_ATTRIBUTES_OF = {tag: frozenset(ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())) for tag in ALLOWED_TAGS}
_TOKEN = re.compile(
    r"<(?!/?(?:" + "|".join(_BARE) + r")>)"  # any other tag: looked at
    r"(?:(?P<name>[a-z][a-z0-9]*)(?P<attrs>(?: [a-z][a-z-]*=\"[^\"<>]*\")*)(?P<slash> /)?>|/(?P<end>[a-z][a-z0-9]*)>)?"
    r"|&(?:(?P<ref>#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)?"
    r"|\xa0"
)
_ATTRIBUTE = re.compile(r' ([a-z][a-z-]*)="([^"]*)"')
_REFERENCE = re.compile(r"&(?:(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)?")
# what html5ever would not pass through as it is: controls, CR, a byte-order mark, lone surrogates
_REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")
_REFUSED_IN_ADDRESS = re.compile("[\\s\x00-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")  # the URL parser drops or trims them
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# an http(s) address the URL parser nh3 uses cannot refuse: a plain host name (its last label not a
# number, no punycode), an optional port, then anything but spaces and controls
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_WEB = re.compile(r"(?i:https?)://(?P<host>(?:" + _LABEL + r"\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                  r"(?::(?P<port>[0-9]{1,5}))?(?:[/?#][^\s\\]*)?")
_STYLES = {f"text-align: {side}{end}": f"text-align:{side}" for side in ("left", "right", "center") for end in ("", ";")}


class _Refused(Exception):
    """Something nh3 would change in a way this module does not write: nh3 must run."""


def clean(html: str, base_path: str = "/") -> Optional[str]:
    """``html`` as nh3 would write it with the site's allowlist (see sanitise.py), or None."""
    if _REFUSED_CHARACTERS.search(html) or html.count("<") != html.count(">"):
        return None  # each < opens a tag that one > closes: no > is left in the text (Markdown writes &gt;)
    in_link = False

    def token(found: re.Match[str]) -> str:
        nonlocal in_link
        text = found[0]
        first = text[0]
        if first == "<":
            name = found["name"]
            if name is not None:
                if name == "a":
                    if in_link:
                        raise _Refused  # html5ever closes the outer link first
                    in_link = True
                return _start_tag(name, found["attrs"], found["slash"] is not None, html, found.end(), base_path)
            end = found["end"]
            if end is None or end not in ALLOWED_TAGS or end in _VOID:
                raise _Refused
            if end == "a":
                in_link = False
            return text
        if first == "&":
            return _escaped_text(_character(found["ref"]))
        return "&nbsp;"

    try:
        return _TOKEN.sub(token, html)
    except _Refused:
        return None


def _start_tag(name: str, attributes: str, slash: bool, html: str, end: int, base_path: str) -> str:
    if name not in ALLOWED_TAGS or (slash and name not in _VOID):
        raise _Refused
    if name == "pre" and not html.startswith("<code", end):
        raise _Refused  # html5ever drops a new line right after <pre>
    if name == "table" and not html.startswith(("\n<thead>", "\n<tbody>", "<thead>", "<tbody>"), end):
        raise _Refused  # html5ever adds a <tbody> around rows written straight in the table
    if not attributes:
        return f"<{name}>"
    allowed = _ATTRIBUTES_OF[name]
    written = [f"<{name}"]
    seen: set[str] = set()
    for attribute, raw in _ATTRIBUTE.findall(attributes):
        if attribute in seen or attribute not in allowed:
            raise _Refused
        seen.add(attribute)
        value = _decoded(raw)
        if attribute in ("href", "src"):
            value = _address(value, base_path)
        elif attribute == "style":
            value = _STYLES.get(value) or _refuse()
        written.append(f' {attribute}="{_escaped_attribute(value)}"')
    if name == "a" and "href" in seen:
        written.append(REL)
    written.append(">")
    return "".join(written)


def _address(value: str, base_path: str) -> str:
    """The address nh3 keeps (given the base path, as sanitise's filter does), or refuse."""
    if _REFUSED_IN_ADDRESS.search(value):
        raise _Refused
    scheme = _SCHEME.match(value)
    if scheme is None:  # relative: kept as it is
        if base_path != "/" and value.startswith("/") and not value.startswith("//"):
            return base_path.rstrip("/") + value
        return value
    name = scheme[0][:-1].lower()
    if name in ("http", "https"):
        web = _WEB.fullmatch(value)
        if web is None or "xn--" in web["host"].lower() or (web["port"] is not None and int(web["port"]) > 65535):
            raise _Refused
        return value
    if name in URL_SCHEMES and not value.startswith("/", scheme.end()):
        return value  # mailto: and tel: take any path
    raise _Refused


def _refuse() -> str:
    raise _Refused


def _character(reference: Optional[str]) -> str:
    """The text a character reference stands for, as html5ever decodes it; refuse what it would
    replace (NUL, C1 controls, surrogates, beyond Unicode) or not know."""
    if reference is None:
        raise _Refused  # a lone & : Markdown always escapes it
    if reference[0] != "#":
        known = _NAMED.get(reference + ";")
        if known is None:
            raise _Refused
        return known
    code = int(reference[2:], 16) if reference[1] in "xX" else int(reference[1:])
    if not (code in (0x09, 0x0A) or 0x20 <= code < 0x7F or 0xA0 <= code < 0xD800 or 0xE000 <= code <= 0x10FFFF) \
            or code == 0xFEFF or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        raise _Refused
    return chr(code)


def _decoded(value: str) -> str:
    return _REFERENCE.sub(lambda found: _character(found[1]), value) if "&" in value else value


def _escaped_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped_attribute(value: str) -> str:
    return _escaped_text(value).replace('"', "&quot;")



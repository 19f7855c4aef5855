"""Typographic quotes, dashes and ellipses: Python-Markdown's ``smarty`` rules, in one cheap pass.

``smarty`` runs a second inline processor over the whole tree: about twenty patterns per text node,
each through the generic machinery that builds elements, which doubled the Markdown cost of a
release. This treeprocessor takes the very same patterns and replacements from ``smarty`` itself (so
they follow the pinned Markdown version) and applies them the way that inline processor does, pattern
by pattern in priority order, each match hidden behind a placeholder that later patterns see as
``\\x02...\\x03``, but only on text nodes that hold a character some pattern could change, and
writing the characters (“ ” ‘ ’ – — … « ») instead of stashing entities. Output is byte-identical
once sanitised (the sanitiser writes those entities as characters anyway). Code (inline or fenced)
is never touched: its text is an ``AtomicString`` or stashed away before this runs.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Sequence, Union

import markdown
from markdown.extensions import Extension
from markdown.extensions.smarty import SmartyExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .inline import compiled_digest

Part = Union[int, str]  # a group of the match to keep, or the text to put in
Rule = tuple["re.Pattern[str]", tuple[Part, ...], str]  # regex, replacement, text every match holds ("": unknown)

# digest of (regex, flags) of smarty's patterns -> the text any match of it holds. Half of them start
# with a look-behind or a group of alternatives, which the regex engine tries at every character
# of the text: one that cannot match (no "--", no "...", no '" pair) is not searched for at all.
# A pattern missing here (another Markdown version) is always searched for: same output, only slower.
NEEDS: dict[str, str] = {
    "6cc31b70831c": "---",  # em dash
    "f36db5b8cf3c": "--",  # en dash
    "2c6b4944b334": "<<",
    "2c005ee39438": ">>",
    "9846996ab829": "'",  # a quote first, before punctuation
    "c2cd93b12637": '"',
    "ca6156c3ef62": "\"'",  # double then single quote, before a word
    "b32527f42336": "'\"",
    "e8e13c5b93d0": "'\"",  # single then double quote, after a word
    "bf6e0ad6e138": "\"'",
    "c27292d9c6d4": "'",  # decades: '80s
    "e85e1e15c225": "'",  # opening single quote
    "2cf48a218887": "'",  # closing single quote
    "8dee65d578ba": "'",
    "2a0eb844ec31": "'",
    "ba2fee2f8e8d": '"',  # opening double quote
    "198fe46b16d3": '"',
    "4becbcd277c1": '"',
    "5c7b8491d2af": '"',
    "d5c69d63127f": "...",  # ellipsis
}

# Characters without which no smarty pattern can match: nodes without any are skipped outright.
_TRIGGER = re.compile(r"""['"]|--|\.\.\.|<<|>>""")
_TOKEN = re.compile("\x02q(\\d+)\x03")


def smarty_rules(angled_quotes: bool = True) -> tuple[Rule, ...]:
    """smarty's own patterns and replacements, in the order its inline processor applies them."""
    probe = markdown.Markdown()
    extension = SmartyExtension(smart_angled_quotes=angled_quotes)
    extension.extendMarkdown(probe)
    rules = []
    for pattern in extension.inlinePatterns:  # a Registry iterates by priority, highest first
        replace = tuple(part if isinstance(part, int) else html.unescape(str(part)) for part in pattern.replace)  # type: ignore[attr-defined]
        regex = pattern.compiled_re
        rules.append((regex, replace, NEEDS.get(compiled_digest(regex), "")))
    return tuple(rules)


def educate(text: str, rules: Sequence[Rule]) -> str:
    """``text`` with smarty's substitutions, applied as its inline processor applies them."""
    if not _TRIGGER.search(text):
        return text
    pieces: list[str] = []
    for regex, replace, needs in rules:
        if needs not in text:  # ("" is in every text) placeholders hold none of these characters:
            continue  # what an earlier rule replaced cannot make a later one match
        start = 0
        while True:
            found = regex.search(text, start)
            if found is None:
                break
            pieces.append("".join(found.group(part) if isinstance(part, int) else part for part in replace))
            token = f"\x02q{len(pieces) - 1}\x03"
            text = text[:found.start()] + token + text[found.end():]
            start = found.start() + len(token)
    if not pieces:
        return text
    # a kept group may hold an earlier token: resolve until none is left
    while True:
        resolved = _TOKEN.sub(lambda m: pieces[int(m[1])], text)
        if resolved == text:
            return resolved
        text = resolved


class SmartQuotesTreeprocessor(Treeprocessor):
    """Educates every text and tail of the tree that is not code (see the module's docstring)."""

    def __init__(self, md: markdown.Markdown, rules: Sequence[Rule]):
        super().__init__(md)
        self.rules = rules

    def run(self, root: etree.Element) -> None:
        found = _TRIGGER.search  # most texts hold nothing to educate: tested here, without a call to educate
        for element in root.iter():
            if element is root:
                continue
            text, tail = element.text, element.tail
            if text and found(text) and not isinstance(text, AtomicString):
                element.text = educate(text, self.rules)
            if tail and found(tail) and not isinstance(tail, AtomicString):
                element.tail = educate(tail, self.rules)


class SmartQuotesExtension(Extension):
    """Registers the treeprocessor where smarty's own runs (priority 6), and smarty's strict HTML pattern."""

    def __init__(self, **kwargs: object):
        self.config = {"smart_angled_quotes": [True, "educate << and >> too"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        rules = smarty_rules(bool(self.getConfig("smart_angled_quotes")))
        md.treeprocessors.register(SmartQuotesTreeprocessor(md, rules), "smart-quotes", 6)
        md.ESCAPED_CHARS.extend(['"', "'"])

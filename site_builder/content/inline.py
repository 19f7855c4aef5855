"""Python-Markdown's inline pass, minus the patterns that cannot match the text at hand.

The stock ``InlineProcessor`` tries every inline pattern (about twenty: links, emphasis, code,
HTML, bare addresses, entities...) on every text node, in priority order, through a generic loop:
about 800 regex searches per release, most of them on plain sentences. Most patterns cannot match
without one particular character: a link without ``[``, emphasis without ``*`` or ``_``, an entity
without ``&``. For each regex whose text we know (``TRIGGERS``, keyed by a digest of the pattern
and its flags), a text without its trigger skips it, exactly as the stock loop does when the regex
finds nothing (next pattern, from the start of the text); a text without any trigger is returned
as it is. A pattern whose regex is not in ``TRIGGERS`` (another extension, or a new version that
changed it) is always tried, so the output is the stock processor's in every case, only sooner.

It hooks the stock class at its two private methods (name-mangled ``__handleInline`` and
``__applyPattern``) of the pinned Markdown version; ``tests/content/test_inline.py`` renders the
same texts with both processors and compares them.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from typing import Any, Optional, Union

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

Trigger = Union[str, tuple[str, ...]]  # text that must be there (tested with ``in``), or texts one of which must be

# digest of (regex, flags) -> what any match of that regex contains
TRIGGERS: dict[str, Trigger] = {
    "506e11dd7ba6": "`",  # backtick: code spans, `...`
    "39b34484ed9a": "\\",  # pymdownx.escapeall: \ and any character
    "6c3abbf33fa7": "[",  # footnote reference: [^1]
    "a7af9e35d305": "[",  # reference, link, short reference: (?<!\!)\[
    "1cfd903330df": "![",  # image link, image reference: \!\[
    "a457a06d0f67": "<",  # autolink: <https://...>
    "2656e77e7ce2": "<",  # automail: <name@example.org>
    "4dc2f573a0ae": "  \n",  # line break: two spaces at a line end
    "7c941ee29806": "<",  # inline HTML (the GitHub dialect's strict pattern)
    "fadc6a9f3cd5": ("://", "ww.", "wW.", "Ww.", "WW."),  # pymdownx.magiclink: https://... and www. (any case)
    "ed6ebb9228d8": "@",  # pymdownx.magiclink: e-mail addresses
    "53268623a6b1": "&",  # entity: &amp; &#8212;
    "35bc90e85853": ("*", "_"),  # emphasis and strong
    "426899ad92c7": "~",  # pymdownx.tilde: ~~struck~~
    "dad89227df64": "\\\n",  # pymdownx.escapeall: a hard break, \ at a line end
}


def regex_digest(pattern: Any) -> str:
    """The key of ``TRIGGERS`` for an inline pattern: its regex and flags."""
    return compiled_digest(pattern.getCompiledRegExp())


def compiled_digest(compiled: "re.Pattern[str]") -> str:
    """A regex's pattern and flags as a short key (for tables of what its matches must hold)."""
    return hashlib.blake2b(f"{compiled.flags}:{compiled.pattern}".encode(), digest_size=6).hexdigest()


class TriggeredInlineProcessor(InlineProcessor):
    """The stock inline pass that skips a pattern when its trigger is absent (see the module)."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self._plan: list[tuple[Any, Optional[Trigger]]] = []
        self._any: Optional[re.Pattern[str]] = None

    def run(self, tree: etree.Element, ancestors: Optional[list[str]] = None) -> etree.Element:
        patterns = list(self.inlinePatterns)  # by priority, as the stock loop indexes them
        if [p for p, _ in self._plan] != patterns:
            self._plan = [(p, TRIGGERS.get(regex_digest(p))) for p in patterns]
            known = [_alternative(t) for _, t in self._plan if t is not None]
            self._any = re.compile("|".join(known)) if len(known) == len(patterns) else None
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """The stock loop over the patterns, with the skips; the stock ``__applyPattern`` applies each."""
        if isinstance(data, AtomicString) or (self._any is not None and not self._any.search(data)):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        plan = self._plan
        start = 0
        while patternIndex < len(plan):
            pattern, trigger = plan[patternIndex]
            if trigger is not None and (trigger not in data if isinstance(trigger, str) else not any(t in data for t in trigger)):
                patternIndex, start = patternIndex + 1, 0  # what the stock loop does when the regex finds nothing
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def _alternative(trigger: Trigger) -> str:
    """A trigger as branches of a regex that finds any trigger. Each branch starts with a literal
    character, so the regex engine skips to the next place one of those characters is, in C
    (a case-blind branch or a character class would make it try every place in the text)."""
    return "|".join(re.escape(text) for text in ((trigger,) if isinstance(trigger, str) else trigger))


class TriggeredInlineExtension(Extension):
    """Puts ``TriggeredInlineProcessor`` in the stock inline processor's place (name and priority)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(TriggeredInlineProcessor(md), "inline", 20)

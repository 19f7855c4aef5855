"""Python-Markdown's block passes, minus the work that cannot find anything in the text at hand.

The block parser asks each block processor in turn whether it takes the block at hand (``test``)
until one does: a paragraph of running text is tested as a heading, an underlined heading, a rule,
a quote and a table before it is taken as a paragraph. Those five tests are regex searches or
splits of the whole block (a third of the parser's time), and each can only be true when the
block holds one particular text: a ``#`` for a heading, a line starting with ``>`` for a quote, a
``|`` for a table. A processor whose test we know (``TRIGGERS``, keyed by a digest of its class,
the source of its test and its regexes) is asked only when its trigger is in the block; without
it the answer is the test's own "no", given sooner. A processor not in the table (another
extension, or a version that changed one) is always asked, so the output is the stock parser's in
every case. The raw-HTML pass (``TriggeredHtmlBlockPreprocessor``) likewise needs a ``<``.

``tests/content/test_inline.py`` renders the same texts with the stock passes and compares them.
"""

from __future__ import annotations

import hashlib
import inspect
import xml.etree.ElementTree as etree
from typing import Any, Callable, Iterator, Optional

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.util import Registry

Trigger = Callable[[str], bool]  # False: the processor's test cannot be true for this block
Test = Callable[[etree.Element, str], bool]


def _some_line_starts(block: str, marks: str) -> bool:
    """A line of the block starts with one of ``marks``, after at most three spaces (a quote's ``>``,
    a rule's ``-``, ``_`` or ``*``): one look at each line start, no regex."""
    start = 0
    while True:
        first = block[start:start + 4].lstrip(" ")[:1]
        if first and first in marks:
            return True
        start = block.find("\n", start) + 1
        if start == 0:
            return False


def _setext_underline(block: str) -> bool:
    """The second line starts with ``=`` or ``-``: a heading underlined (the test matches at the start)."""
    end = block.find("\n")
    return end >= 0 and block[end + 1:end + 2] in ("=", "-")


# digest of a processor (see ``processor_digest``) -> its trigger
TRIGGERS: dict[str, Trigger] = {
    "7f5bd06e71e1": lambda block: "#" in block,  # pymdownx.saneheaders: # Heading
    "ed87e9c72d88": _setext_underline,  # Heading, then a line of === or ---
    "bb0f7bd64e61": lambda block: _some_line_starts(block, "-_*"),  # --- *** ___
    "be3513b61603": lambda block: _some_line_starts(block, ">"),  # > quote
    "c159f18fbf35": lambda block: "|" in block,  # tables: a header row and its | --- | line
}


def processor_digest(processor: BlockProcessor) -> str:
    """The key of ``TRIGGERS`` for a block processor: its class, its test's source and its regexes."""
    kind = type(processor)
    regexes = [getattr(processor, name).pattern for name in ("RE", "SEARCH_RE", "RE_END_BORDER")
               if hasattr(getattr(processor, name, None), "pattern")]
    text = "\0".join([f"{kind.__module__}.{kind.__qualname__}", inspect.getsource(kind.test), *regexes])
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def _triggered(trigger: Trigger, test: Test) -> Test:
    def triggered_test(parent: etree.Element, block: str) -> bool:
        return trigger(block) and test(parent, block)
    return triggered_test


def remembered_block_level(md: markdown.Markdown) -> Callable[[Any], bool]:
    """``Markdown.is_block_level`` with its answer kept per tag name.

    The stock one lowercases the name and looks it up in a list of some sixty names; it is asked
    about every element by the inline pass, the pretty-printer and the serialiser (about two hundred
    times a release). An extension may still add a name to ``md.block_level_elements``: a list of
    another length forgets the answers."""
    known: dict[str, bool] = {}
    size = len(md.block_level_elements)

    def is_block_level(tag: Any) -> bool:
        nonlocal size
        if not isinstance(tag, str):
            return False
        elements = md.block_level_elements
        if len(elements) != size:
            known.clear()
            size = len(elements)
        answer = known.get(tag)
        if answer is None:
            answer = known[tag] = tag.lower().rstrip("/") in elements
        return answer
    return is_block_level


class SteadyRegistry(Registry[BlockProcessor]):
    """Python-Markdown's registry of block processors, with its order kept between changes.

    The parser walks the processors for every block (``for processor in self.blockprocessors``),
    and the stock registry makes a new list of them for each walk; this one makes it once, and
    again after a processor is registered or removed."""

    def __init__(self, registry: Registry[BlockProcessor]):
        super().__init__()
        self._order: Optional[list[BlockProcessor]] = None
        for name, priority in registry._priority:  # type: ignore[attr-defined]  # (its only list of priorities)
            self.register(registry[name], name, priority)

    def __iter__(self) -> Iterator[BlockProcessor]:
        if self._order is None:
            self._order = list(super().__iter__())
        return iter(self._order)

    def register(self, item: BlockProcessor, name: str, priority: float) -> None:
        self._order = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._order = None
        super().deregister(name, strict)


class TriggeredHtmlBlockPreprocessor(Preprocessor):
    """The raw-HTML pass (``html_block``) only over a text that has a ``<``.

    That pass feeds the whole text to an HTML parser to stash blocks of raw HTML; every tag,
    comment, declaration or CDATA section it can stash starts with ``<``. In a text without one
    the parser only hands each run of characters (entities and a lone ``&`` included) back
    unchanged, so the lines come out as they went in, rejoined and split on line ends as the
    pass does.
    """

    def __init__(self, md: markdown.Markdown, inner: Preprocessor):
        super().__init__(md)
        self.inner = inner

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" in source:
            return self.inner.run(lines)
        return source.split("\n")


class TriggeredBlocksExtension(Extension):
    """Puts each known block test behind its trigger, the raw-HTML pass behind ``<``, keeps the
    order of the block processors and the answers of ``is_block_level``; registered after every
    other extension, so that it sees the processors they registered."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.parser.blockprocessors = SteadyRegistry(md.parser.blockprocessors)
        for processor in md.parser.blockprocessors:
            trigger = TRIGGERS.get(processor_digest(processor))
            if trigger is not None:
                processor.test = _triggered(trigger, processor.test)  # type: ignore[method-assign, assignment]
        md.is_block_level = remembered_block_level(md)  # type: ignore[method-assign, assignment]
        if "html_block" in md.preprocessors:  # md_in_html's when it is on (it took the stock one's place)
            inner = md.preprocessors["html_block"]
            md.preprocessors.register(TriggeredHtmlBlockPreprocessor(md, inner), "html_block", 20)  # the stock priority

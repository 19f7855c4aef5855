"""Fragments: parts of pages rendered once per plan and reused, a release's item in every list.

At 10,000 releases a release is shown in some twenty list pages (its year, its mechanisms, topics
and countries, each paginated, in each language): its item is rendered once per language and the
set of flags its list asks for (``{% call fragment(release, lang, ...) %}`` in a macro), then
reused. A reused fragment still counts as read by the page that shows it: the engine's tracker is
told what the fragment read (``Notes``), so a warm build knows which pages an edit touches.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Protocol

import jinja2
from markupsafe import Markup

from ..collector import give_back_free_memory
from .context import reads_only

__all__ = ["Notes", "Unnoted", "Fragments"]


class Notes(Protocol):
    """What the engine notes of a render (the views it read), told about reused fragments.

    A fragment (a release's item in a list) is rendered once per plan and reused on every list
    page that shows it; the page reusing it must still be noted as having read what it reads.
    """

    def begin_fragment(self) -> Any: ...

    def end_fragment(self, token: Any) -> Optional[Any]:
        """What the fragment read (None: it was rendered unnoted and must not be reused)."""

    def replay(self, reads: Any) -> None: ...


class Unnoted:
    """A build without the cache notes nothing: every fragment can be reused."""

    def begin_fragment(self) -> Any:
        return None

    def end_fragment(self, token: Any) -> Optional[Any]:
        return ()

    def replay(self, reads: Any) -> None:
        pass


def _key(lang: str, key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where a fragment is kept: the page's language and the key, objects by identity."""
    return (lang,) + tuple(k if isinstance(k, (str, int, bool)) or k is None else id(k) for k in key)


class Fragments:
    """The fragments of one renderer, for one plan: the templates' ``fragment`` and ``each_fragment``."""

    def __init__(self, notes: Notes):
        self.notes = notes
        self._kept: dict[tuple[Any, ...], tuple[tuple[Any, ...], bytes, Any]] = {}

    def clear(self) -> None:
        self._kept.clear()

    def forget(self) -> None:
        """None will be asked for again in this process: their memory goes back to the system."""
        if self._kept:
            self._kept.clear()
            give_back_free_memory()

    @reads_only("lang")
    @jinja2.pass_context
    def fragment(self, context: jinja2.runtime.Context, *key: Any, caller: Callable[[], Markup]) -> Markup:
        """``{% call fragment(release, ...) %}``: the body rendered once per plan and key, in the page's
        language. Objects in the key count by identity (kept, so an id is never reused meanwhile)."""
        full = _key(context["lang"], key)
        known = self._known(full, key)
        if known is not None:
            return known
        token = self.notes.begin_fragment()
        try:
            html = caller()
        finally:
            reads = self.notes.end_fragment(token)
        if reads is not None:  # kept as UTF-8: typographic quotes make Python keep the text at 2 bytes a character
            self._kept[full] = (key, html.encode("utf-8", "surrogatepass"), reads)
        return html

    @reads_only("lang")
    @jinja2.pass_context
    def each(self, context: jinja2.runtime.Context, item_macro: Callable[..., Markup], items: Iterable[Any],
             *flags: Any) -> Markup:
        """``item_macro(item, *flags)`` for each item, joined: a list page's loop, here rather than in
        the template, so that an item kept as a fragment (``{% call fragment(item, *flags) %}`` in
        the macro) costs a look-up instead of a macro call. A list page shows some twenty items, most
        of them kept already; any other item is the macro's to render (and keep)."""
        lang = context["lang"]
        parts = []
        for item in items:
            key = (item, *flags)
            known = self._known(_key(lang, key), key)
            parts.append(known if known is not None else item_macro(item, *flags))
        return Markup("".join(parts))

    def _known(self, full: tuple[Any, ...], key: tuple[Any, ...]) -> Optional[Markup]:
        """The fragment kept under ``full`` for these very objects (its reads told again), if any."""
        known = self._kept.get(full)
        if known is None or not all(a is b for a, b in zip(known[0], key)):
            return None
        self.notes.replay(known[2])
        return Markup(known[1].decode("utf-8", "surrogatepass"))

"""What rendering an output reads, recorded so that the dev server re-renders only what changed.

Templates and producers reach the archive only through their route's context and ``views`` (and
the sitemap through ``site.routes``). In the dev server, ``views`` is a stand-in that answers every
question from the real ``Views`` and notes it with its answer: "the neighbours of this release",
"the mechanism with id oif", "how many releases name this topic in French", "the first ten
releases", "which years have releases". After a change, an output whose questions all get the same
answers renders the same bytes, so it is kept.

A release's text is a question of its own, ``("text", release)``: the model tells the tracker of
every read of ``body_html`` or ``body_markdown`` (``TEXT_READER``), and answers elsewhere stand for
a release without its text (see ``fingerprint``), so a new paragraph re-renders the pages that
show the text (the release's own, a feed), not every list that names the release.

Each question is answered once per plan (memoised), which also makes rendering faster. A render
that cannot be tracked (a template doing something the stand-ins do not support) is done again with
the plain views and marked to be rendered after every change: never a failure only in serve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any, Iterator, Optional, cast

from ..content.model import TEXT_READER, Archive, Release
from ..plan.routes import Route
from ..plan.views import Views

Key = tuple[Any, ...]
MISSING = object()  # the answer "no such key"
VOLATILE = object()  # a question we cannot ask again (unhashable arguments): always re-render


class Tracker:
    """Answers questions about the current ``Views`` once per plan, noting which ones each output asks.

    A question is a key: ``("attr", path)``, ``("item", path, key)``, ``("call", path, args, kwargs)``
    or ``("routes",)``, where ``path`` leads from the views to an attribute (``("archive", "config")``);
    or a question about the answer of a call: ``("len", call)``, ``("index", call, i)``,
    ``("slice", call, (start, stop, step))``, ``("keys", call)``, ``("entry", call, key)``.
    """

    def __init__(self) -> None:
        self.views: Optional[Views] = None
        self.routes: tuple[Route, ...] = ()
        self.memo: dict[Key, Any] = {}
        self.reads: Optional[dict[Key, Any]] = None  # of the output being rendered
        self.raw = False  # answer with the plain views, record nothing (a render that cannot be tracked)
        self._releases: Optional[dict[str, Release]] = None  # by source, for text questions

    def reset(self, views: Views, routes: tuple[Route, ...]) -> None:
        self.views, self.routes, self.memo, self._releases = views, routes, {}, None

    def resolve(self, path: tuple[str, ...]) -> Any:
        return reduce(getattr, path, self.views)

    def evaluate(self, key: Key) -> Any:
        """The answer of ``key`` for the current views (not memoised)."""
        kind = key[0]
        if kind == "attr":
            return self.resolve(key[1])
        if kind == "item":
            return _lookup(self.resolve(key[1]), key[2])
        if kind == "call":
            return self.resolve(key[1])(*key[2], **dict(key[3]))
        if kind == "routes":  # the sitemap reads every route, and the context of some
            return tuple((route, route.context) for route in self.routes)
        if kind == "text":  # the text of the release with that source in this plan
            return self._text(key[1])
        # questions about the answer of a call, so that "how many", "the first ten" or "which
        # years" depend on just that: a release's new text does not change the years there are
        whole = self.answer(key[1])
        if kind == "len":
            return len(whole)
        if kind == "index":
            return whole[key[2]] if -len(whole) <= key[2] < len(whole) else MISSING
        if kind == "slice":
            return whole[slice(*key[2])]
        if kind == "keys":
            return tuple(whole.keys())
        if kind == "entry":
            return _lookup(whole, key[2])
        raise ValueError(f"unknown question {key!r}")

    def answer(self, key: Key) -> Any:
        """The memoised answer: within one plan every question is computed once."""
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = self.evaluate(key)
            return value

    def read(self, key: Key) -> Any:
        """Answer ``key`` for the output being rendered, and note it."""
        try:
            value = self.answer(key)
        except TypeError:  # unhashable arguments: answer, but this output cannot be verified later
            value = self.evaluate(key)
            if self.reads is not None:
                self.reads[("volatile",)] = VOLATILE
            return value
        if self.reads is not None:
            self.reads[key] = value
        return value

    def _text(self, release: Release) -> tuple[bytes, bytes]:
        if self._releases is None:
            assert self.views is not None
            self._releases = {r.source: r for r in self.views.archive.releases}
        current = self._releases[release.source]  # KeyError: gone, so the answer changed
        return current.packed_html, current.packed_markdown

    def _read_text(self, release: Release) -> None:
        if self.reads is not None:
            self.read(("text", release))

    def begin(self) -> None:
        self.reads = {}
        TEXT_READER.set(self._read_text)

    def begin_fragment(self) -> Optional[dict[Key, Any]]:
        """A fragment's reads are noted apart (and added to the page's), to be replayed where it is reused."""
        saved = self.reads
        if saved is not None:
            self.reads = {}
        return saved

    def end_fragment(self, saved: Optional[dict[Key, Any]]) -> Optional[dict[Key, Any]]:
        fragment = self.reads
        if saved is None:  # not noting (a render done again untracked): the fragment cannot be reused
            return None
        self.reads = saved
        if fragment is None:
            return None
        saved.update(fragment)
        return fragment

    def replay(self, reads: dict[Key, Any]) -> None:
        if self.reads is not None:
            self.reads.update(reads)

    def end(self) -> Optional[dict[Key, Any]]:
        reads, self.reads = self.reads, None
        TEXT_READER.set(None)
        return None if reads is None or ("volatile",) in reads else reads


def _lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or MISSING (``[]``, not ``get``: a dict that fills itself on demand must be asked)."""
    try:
        return mapping[key]
    except KeyError:
        return MISSING


class TrackedObject:
    """Stands for ``views`` (or ``views.archive``) in templates and producers; every read goes through the tracker."""

    __slots__ = ("_tracker", "_path")

    def __init__(self, tracker: Tracker, path: tuple[str, ...] = ()):
        self._tracker = tracker
        self._path = path

    def __getattr__(self, name: str) -> Any:
        path = self._path + (name,)
        target = self._tracker.resolve(path)
        if self._tracker.raw:
            return target
        if callable(target) and hasattr(target, "__self__"):  # a method of the views
            return TrackedCall(self._tracker, path)
        if isinstance(target, dict):
            return TrackedMapping(self._tracker, path)
        if isinstance(target, Archive):
            return TrackedObject(self._tracker, path)
        return self._tracker.read(("attr", path))


class TrackedCall:
    __slots__ = ("_tracker", "_path")

    def __init__(self, tracker: Tracker, path: tuple[str, ...]):
        self._tracker = tracker
        self._path = path

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = ("call", self._path, args, tuple(sorted(kwargs.items())))
        try:
            value = self._tracker.answer(key)
        except TypeError:  # unhashable arguments
            return self._tracker.read(key)
        if isinstance(value, dict):
            return TrackedResultMapping(self._tracker, key)
        if isinstance(value, (list, tuple)):
            return TrackedResultSequence(self._tracker, key)
        return self._tracker.read(key)


class TrackedResultSequence(Sequence[Any]):
    """The list a call answered: its length, an item or a slice are questions of their own."""

    __slots__ = ("_tracker", "_key")

    def __init__(self, tracker: Tracker, key: Key):
        self._tracker = tracker
        self._key = key

    def _whole(self) -> Any:
        return self._tracker.read(self._key)

    def __len__(self) -> int:
        return cast(int, self._tracker.read(("len", self._key)))

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self._tracker.read(("slice", self._key, (index.start, index.stop, index.step)))
        value = self._tracker.read(("index", self._key, index))
        if value is MISSING:
            raise IndexError(index)
        return value

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())

    def __contains__(self, value: object) -> bool:
        return value in self._whole()

    def __eq__(self, other: object) -> bool:
        return bool(self._whole() == (other._whole() if isinstance(other, TrackedResultSequence) else other))

    def __add__(self, other: Any) -> Any:
        return self._whole() + other

    def __repr__(self) -> str:
        return repr(self._whole())


class TrackedResultMapping(Mapping[Any, Any]):
    """The dict a call answered: its keys, and each entry, are questions of their own."""

    __slots__ = ("_tracker", "_key")

    def __init__(self, tracker: Tracker, key: Key):
        self._tracker = tracker
        self._key = key

    def __getitem__(self, entry: Any) -> Any:
        value = self._tracker.read(("entry", self._key, entry))
        if value is MISSING:
            raise KeyError(entry)
        return value

    def __iter__(self) -> Iterator[Any]:
        return iter(self._tracker.read(("keys", self._key)))

    def __len__(self) -> int:
        return len(self._tracker.read(("keys", self._key)))

    def __repr__(self) -> str:
        return repr(self._tracker.read(self._key))


class TrackedMapping:
    """A dict of the views: looking up one key depends on that key only."""

    __slots__ = ("_tracker", "_path")

    def __init__(self, tracker: Tracker, path: tuple[str, ...]):
        self._tracker = tracker
        self._path = path

    def _item(self, key: Any) -> Any:
        return self._tracker.read(("item", self._path, key))

    def _whole(self) -> dict[Any, Any]:
        return cast(dict[Any, Any], self._tracker.read(("attr", self._path)))

    def __getitem__(self, key: Any) -> Any:
        value = self._item(key)
        if value is MISSING:
            raise KeyError(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._item(key)
        return default if value is MISSING else value

    def __contains__(self, key: Any) -> bool:
        return self._item(key) is not MISSING

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self) -> Any:
        return self._whole().keys()

    def values(self) -> Any:
        return self._whole().values()

    def items(self) -> Any:
        return self._whole().items()


class TrackedRoutes:
    """``site.routes`` for the producers (the sitemap reads them all)."""

    def __init__(self, tracker: Tracker):
        self._tracker = tracker

    def __iter__(self) -> Iterator[Route]:
        if self._tracker.raw:
            return iter(self._tracker.routes)
        return (route for route, _ in self._tracker.read(("routes",)))

    def __len__(self) -> int:
        return len(self._tracker.routes)

    def __getitem__(self, index: int) -> Route:
        return self._tracker.routes[index]


def same(old: Any, new: Any) -> bool:
    """Equal answers render equally; a dict's order matters to a template that loops over it."""
    if old is new:
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        return list(old.items()) == list(new.items())
    try:
        return bool(old == new)
    except Exception:  # noqa: BLE001 - incomparable answers are different answers
        return False

"""Stable digests of plan values: equal values give equal digests in any process, on any run.

A digest stands for an answer a page read ("the neighbours of this release") in the persistent
cache, where the objects themselves cannot be kept. The encoding never depends on hash order or
object identity: a dict keeps its (deterministic) insertion order, because a template that loops
over it renders in that order; a set is encoded sorted; a dataclass by its class and every field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from typing import Any, Callable


class Unstable(TypeError):
    """A value with no stable encoding (a function, an open file...): the page cannot be verified."""


class Digester:
    """Digests values; frozen dataclasses (model objects, routes) are digested once each.

    The memo keeps every object it saw alive, so an ``id`` is never reused for another object
    while the digester lives (one plan). ``seed`` gives known digests of objects, e.g. a loaded
    document's cache key, which already stands for everything the document was made from.

    A warm build digests every route of the site (30,000 at 10,000 releases), so values are
    dispatched on their exact type through a table filled as types are met, instead of a chain of
    ``isinstance`` checks per value; the bytes fed are the same either way.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[tuple[str, bytes], ...]] = {}
        self._handlers: dict[type, Callable[[Any, Any], None]] = {
            str: self._str, tuple: self._sequence, list: self._sequence, int: self._int,
            bool: self._constant, type(None): self._constant, dict: self._dict,
        }

    def seed(self, value: Any, digest: bytes) -> None:
        self._memo[id(value)] = (value, digest)

    def of(self, value: Any) -> bytes:
        """The 16-byte digest of ``value``."""
        hasher = hashlib.blake2b(digest_size=16)
        self._feed(hasher, value)
        return hasher.digest()

    def _feed(self, hasher: Any, value: Any) -> None:
        handler = self._handlers.get(type(value))
        if handler is None:
            handler = self._handler(type(value))
        handler(hasher, value)

    def _handler(self, kind: type) -> Callable[[Any, Any], None]:
        """How values of exactly this type are fed (subclasses of str, int... as their base)."""
        handler: Callable[[Any, Any], None]
        if issubclass(kind, enum.Enum):
            handler = self._enum
        elif issubclass(kind, str):
            handler = self._str_subclass
        elif issubclass(kind, bool):
            handler = self._constant
        elif issubclass(kind, int):
            handler = self._int
        elif issubclass(kind, float):
            handler = self._float
        elif issubclass(kind, bytes):
            handler = self._bytes
        elif issubclass(kind, (tuple, list)):
            handler = self._sequence_subclass
        elif issubclass(kind, dict):
            handler = self._dict
        elif issubclass(kind, (set, frozenset)):
            handler = self._set
        elif issubclass(kind, (dt.date, dt.datetime)):
            handler = self._date
        elif dataclasses.is_dataclass(kind):
            handler = self._dataclass
        else:
            raise Unstable(f"no stable digest for a {kind.__qualname__}")
        self._handlers[kind] = handler
        return handler

    @staticmethod
    def _str(hasher: Any, value: str) -> None:
        data = value.encode("utf-8", "surrogatepass")
        hasher.update(b"s" + len(data).to_bytes(8, "big") + data)

    def _str_subclass(self, hasher: Any, value: str) -> None:
        self._str(hasher, str(value))

    def _sequence(self, hasher: Any, value: Any) -> None:
        update, feed = hasher.update, self._feed
        update(b"l" + len(value).to_bytes(8, "big"))
        memo = self._memo
        for item in value:
            if type(item) is str:
                data = item.encode("utf-8", "surrogatepass")
                update(b"s" + len(data).to_bytes(8, "big") + data)
                continue
            known = memo.get(id(item))  # a page's list of releases: each one known already
            if known is not None and known[0] is item:
                update(b"o" + known[1])
            else:
                feed(hasher, item)

    def _sequence_subclass(self, hasher: Any, value: Any) -> None:
        self._sequence(hasher, list(value))

    @staticmethod
    def _int(hasher: Any, value: int) -> None:
        hasher.update(b"i" + str(int(value)).encode() + b";")

    @staticmethod
    def _constant(hasher: Any, value: Any) -> None:
        hasher.update(b"c" + repr(value).encode())

    @staticmethod
    def _float(hasher: Any, value: float) -> None:
        hasher.update(b"f" + float(value).hex().encode() + b";")

    @staticmethod
    def _bytes(hasher: Any, value: bytes) -> None:
        hasher.update(b"b" + len(value).to_bytes(8, "big") + value)

    def _enum(self, hasher: Any, value: enum.Enum) -> None:
        hasher.update(b"e" + type(value).__qualname__.encode() + b":")
        self._feed(hasher, value.value)

    def _dict(self, hasher: Any, value: dict[Any, Any]) -> None:
        hasher.update(b"d" + len(value).to_bytes(8, "big"))
        feed = self._feed
        for key, item in value.items():
            feed(hasher, key)
            feed(hasher, item)

    def _set(self, hasher: Any, value: Any) -> None:
        hasher.update(b"S" + len(value).to_bytes(8, "big"))
        for digest in sorted(self.of(item) for item in value):
            hasher.update(digest)

    @staticmethod
    def _date(hasher: Any, value: dt.date) -> None:
        hasher.update(b"t" + type(value).__name__.encode() + value.isoformat().encode() + b";")

    def _dataclass(self, hasher: Any, value: Any) -> None:
        hasher.update(b"o" + self._object(value))

    def _object(self, value: Any) -> bytes:
        known = self._memo.get(id(value))  # a document or route seen before: no field walk
        if known is not None and known[0] is value:
            return known[1]
        hasher = hashlib.blake2b(digest_size=16)
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple((field.name, field.name.encode() + b"=")
                                               for field in dataclasses.fields(value))
        hasher.update(f"{kind.__module__}.{kind.__qualname__}".encode())
        update, feed = hasher.update, self._feed
        for name, label in names:
            item = getattr(value, name)
            if type(item) is str:  # most fields: fed here, without a call
                data = item.encode("utf-8", "surrogatepass")
                update(label + b"s" + len(data).to_bytes(8, "big") + data)
            else:
                update(label)
                feed(hasher, item)
        digest = hasher.digest()
        self._memo[id(value)] = (value, digest)
        return digest


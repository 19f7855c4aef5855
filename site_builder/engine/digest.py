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
from typing import Any


class Unstable(TypeError):
    """A value with no stable encoding (a function, an open file...): the page cannot be verified."""


class Digester:
    """Digests values; frozen dataclasses (model objects, routes) are digested once each.

    The memo keeps every object it saw alive, so an ``id`` is never reused for another object
    while the digester lives (one plan). ``seed`` gives known digests of objects, e.g. a loaded
    document's cache key, which already stands for everything the document was made from.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def seed(self, value: Any, digest: bytes) -> None:
        self._memo[id(value)] = (value, digest)

    def of(self, value: Any) -> bytes:
        """The 16-byte digest of ``value``."""
        hasher = hashlib.blake2b(digest_size=16)
        self._feed(hasher, value)
        return hasher.digest()

    def _feed(self, hasher: Any, value: Any) -> None:
        kind = type(value)
        if kind is str:  # the common cases first, by exact type: tens of thousands of routes per build
            data = value.encode("utf-8", "surrogatepass")
            hasher.update(b"s" + len(data).to_bytes(8, "big") + data)
        elif kind is tuple or kind is list:
            hasher.update(b"l" + len(value).to_bytes(8, "big"))
            for item in value:
                self._feed(hasher, item)
        elif kind is int:
            hasher.update(b"i" + str(value).encode() + b";")
        elif value is None or kind is bool:
            hasher.update(b"c" + repr(value).encode())
        else:
            known = self._memo.get(id(value))  # a document or route seen before: no field walk
            if known is not None and known[0] is value:
                hasher.update(b"o" + known[1])
            else:
                self._other(hasher, value)

    def _other(self, hasher: Any, value: Any) -> None:
        update = hasher.update
        if value is None or value is True or value is False:
            update(b"c" + repr(value).encode())
        elif isinstance(value, enum.Enum):
            update(b"e" + type(value).__qualname__.encode() + b":")
            self._feed(hasher, value.value)
        elif isinstance(value, str):
            self._feed(hasher, str(value))
        elif isinstance(value, int):
            update(b"i" + str(value).encode() + b";")
        elif isinstance(value, float):
            update(b"f" + value.hex().encode() + b";")
        elif isinstance(value, bytes):
            update(b"b" + len(value).to_bytes(8, "big") + value)
        elif isinstance(value, (tuple, list)):
            self._feed(hasher, list(value))
        elif isinstance(value, dict):
            update(b"d" + len(value).to_bytes(8, "big"))
            for key, item in value.items():
                self._feed(hasher, key)
                self._feed(hasher, item)
        elif isinstance(value, (set, frozenset)):
            update(b"S" + len(value).to_bytes(8, "big"))
            for digest in sorted(self.of(item) for item in value):
                update(digest)
        elif isinstance(value, (dt.date, dt.datetime)):
            update(b"t" + type(value).__name__.encode() + value.isoformat().encode() + b";")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            update(b"o" + self._object(value))
        else:
            raise Unstable(f"no stable digest for a {type(value).__qualname__}")

    def _object(self, value: Any) -> bytes:
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        hasher = hashlib.blake2b(digest_size=16)
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple(field.name for field in dataclasses.fields(value))
        hasher.update(f"{kind.__module__}.{kind.__qualname__}".encode())
        for name in names:
            hasher.update(name.encode() + b"=")
            self._feed(hasher, getattr(value, name))
        digest = hasher.digest()
        self._memo[id(value)] = (value, digest)
        return digest

"""The build cache folder: values keyed by a content hash, one file each, never trusted blindly.

Layout (``.cache/`` at the project root by default, see docs/decisions.md)::

    site-builder-cache.json    {"tool": "site_builder", "format": 1, "builder": <builder digest>}
    <namespace>/ab/cdef...     one value: magic, key, CRC-32 and length of the payload, pickled payload
    documents/<ns>-<pid>.pack  the entries of one namespace written in great numbers (``PACKED``), one
                               after the other, a pack per writing process (see packs.py)

Every entry carries its own key and checksum: a truncated, corrupt or misplaced file is a miss
(never a wrong value), reported once per build. A folder written by another version of the
builder, or whose marker is damaged, is emptied and rebuilt; a non-empty folder without our
marker is not ours: it is left alone and the build runs without a cache.

The small API other stages may use for "a value keyed by content hash"::

    store = Store.open(folder, warn)           # None when caching is off or impossible
    value = cached(store, "pdf-text", sha256_of_bytes, lambda: expensive(bytes))
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pickle
import shutil
import struct
import tempfile
import zlib
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from .packs import Packs

T = TypeVar("T")
FORMAT = 1
MARKER = "site-builder-cache.json"
MAGIC = b"SBC1"
HEADER = struct.Struct(">4s32sIQ")  # magic, key (32 bytes), crc32 of payload, payload length
PACKAGE = Path(__file__).resolve().parent.parent
PACKED = frozenset({"documents"})  # a cold build writes one per document: appended to packs, not a file each


def digest_bytes(*parts: bytes) -> bytes:
    """A 32-byte BLAKE2b digest of the parts, each prefixed by its length (no ambiguity)."""
    hasher = hashlib.blake2b(digest_size=32)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.digest()


def builder_version() -> str:
    """The builder's own code and the versions of the libraries its output depends on.

    Any change to a module of site_builder (a fix in a producer, a new Markdown extension) gives
    a new version, and with it a fresh cache: a change invalidates what it touches, never less.
    """
    hasher = hashlib.blake2b(digest_size=16)
    for file in sorted(PACKAGE.rglob("*.py")):
        hasher.update(file.relative_to(PACKAGE).as_posix().encode())
        hasher.update(file.read_bytes())
    for name in ("jinja2", "markdown", "pymdown-extensions", "nh3", "python-frontmatter", "pyyaml", "pagefind", "babel", "orjson"):
        hasher.update(f"{name}={_version(name)}".encode())
    return hasher.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


class Store:
    """One cache folder. Values are pickled; keys are 32-byte digests."""

    def __init__(self, root: Path, version: str, warn: Callable[[str], None]):
        self.root = root
        self.version = version
        self._warn = warn
        self._warned = False
        self._folders: set[str] = set()  # folders this process made or found: one mkdir each, not one per put
        self._serial = itertools.count()
        self._packs: dict[str, Packs] = {}

    @classmethod
    def open(cls, root: Path, warn: Callable[[str], None], version: Optional[str] = None) -> Optional[Store]:
        """The cache at ``root``, created or reset as needed; None when it cannot be used."""
        version = version or builder_version()
        marker = root / MARKER
        try:
            if root.exists() and not root.is_dir():
                warn(f"warning: the cache path {root} is a file, not a folder: building without a cache")
                return None
            if root.is_dir() and any(root.iterdir()):
                if not marker.is_file():
                    warn(f"warning: the cache folder {root} was not made by this builder (no {MARKER}): "
                         "building without a cache; remove it or choose another with --cache-dir")
                    return None
                found = _read_marker(marker)
                if found is None:
                    warn(f"warning: the cache in {root} is damaged ({MARKER} unreadable): rebuilding it")
                    _empty(root)
                elif found != {"tool": "site_builder", "format": FORMAT, "builder": version}:
                    warn(f"warning: the cache in {root} is from another version of the builder: rebuilding it")
                    _empty(root)
            root.mkdir(parents=True, exist_ok=True)
            if _read_marker(marker) is None:
                _write_atomic(marker, json.dumps({"tool": "site_builder", "format": FORMAT, "builder": version},
                                                 sort_keys=True).encode() + b"\n")
        except OSError as exc:
            warn(f"warning: cannot use the cache folder {root} ({exc.strerror or exc}): building without a cache")
            return None
        return cls(root, version, warn)

    def _path(self, namespace: str, key: bytes) -> Path:
        text = key.hex()
        return self.root / namespace / text[:2] / text[2:]

    def _pack(self, namespace: str) -> Packs:
        packs = self._packs.get(namespace)
        if packs is None:
            packs = self._packs[namespace] = Packs(os.path.join(self.root, namespace), HEADER, MAGIC, self.damaged)
        return packs

    def get(self, namespace: str, key: bytes) -> Any:
        """The value stored under ``key``, or None (absent, or found damaged: then said once)."""
        if namespace in PACKED:
            data = self._pack(namespace).read(_padded(key))
            if data is None:
                return None
        else:
            try:
                data = self._path(namespace, key).read_bytes()
            except OSError:
                return None
        value = self._decode(data, key)
        if value is None:
            self.damaged(f"{namespace}, entry {key.hex()}" if namespace in PACKED else f"{namespace}/{key.hex()[:2]}/{key.hex()[2:]}")
        return value

    def _decode(self, data: bytes, key: bytes) -> Any:
        if len(data) < HEADER.size:
            return None
        magic, stored_key, crc, length = HEADER.unpack_from(data)
        payload = memoryview(data)[HEADER.size:]
        if magic != MAGIC or stored_key != _padded(key) or len(payload) != length \
                or zlib.crc32(payload) != crc:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - any unreadable entry is a miss
            return None

    def put(self, namespace: str, key: bytes, value: Any) -> None:
        """Store ``value`` (written beside, then renamed: a reader never sees half a file)."""
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        header = HEADER.pack(MAGIC, _padded(key), zlib.crc32(payload), len(payload))
        if namespace in PACKED:
            try:
                self._pack(namespace).append(_padded(key), header, payload)
            except OSError as exc:
                self.damaged(f"{namespace} (cannot write: {exc.strerror or exc})")
            return
        text = key.hex()
        folder = os.path.join(self.root, namespace, text[:2])
        try:
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            self._write(os.path.join(folder, text[2:]), header, payload)
        except OSError as exc:
            self._folders.discard(folder)
            self.damaged(f"{namespace} (cannot write: {exc.strerror or exc})")

    def _write(self, path: str, header: bytes, payload: bytes) -> None:
        """``header`` then ``payload`` at ``path``, written beside it under a name no other process or
        call uses, then renamed.

        Cheaper than ``tempfile`` (no random names, no retries): a cold build writes an entry per
        document. A name left by a crashed process whose id came back is taken over (O_EXCL fails, the
        generic path runs).
        """
        temporary = f"{os.path.dirname(path)}/.tmp-{os.getpid()}-{next(self._serial)}"
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            _write_atomic(Path(path), header + payload)
            return
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(header)
                stream.write(payload)  # not joined: the records of 30,000 outputs are megabytes
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def keys(self, namespace: str) -> list[bytes]:
        """The keys of a packed namespace (tests and tools: a build looks entries up by key)."""
        return self._pack(namespace).keys()

    def holds_any(self, namespace: str) -> bool:
        """Whether a packed namespace holds any entry (with none, a build looks nothing up in it)."""
        return self._pack(namespace).holds_any()

    def tidy(self) -> None:
        """Merge the small packs of each packed namespace when they are many (the main process, after a build)."""
        for namespace in sorted(PACKED):
            try:
                self._pack(namespace).tidy()
            except OSError as exc:
                self.damaged(f"{namespace} (cannot merge: {exc.strerror or exc})")

    def damaged(self, what: str) -> None:
        """One warning per build, however many entries were unusable."""
        if not self._warned:
            self._warned = True
            self._warn(f"warning: ignoring a damaged entry of the cache in {self.root} ({what}) and rebuilding it")


def _padded(key: bytes) -> bytes:
    """A key as a header stores it: 32 bytes."""
    return key.ljust(32, b"\0")[:32]


def cached(store: Optional[Store], namespace: str, key: bytes, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from an earlier build with the same ``key`` (a content hash)."""
    if store is None:
        return compute()
    value = store.get(namespace, key)
    if value is None:
        value = compute()
        store.put(namespace, key, value)
    return value  # type: ignore[no-any-return]


def _read_marker(marker: Path) -> Optional[dict[str, Any]]:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == "site_builder" else None


def _empty(root: Path) -> None:
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""Running Pagefind: one service process per shard, ``jobs`` at a time, fed through pipes.

search.py says what is indexed (each page's search input, the shards, the languages' list); this
module runs the indexer on it and writes each shard's bundle, the files the browser may fetch.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import selectors
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import orjson

from ..errors import ToolError
from ..workers import dying_with_this_process
from .shards import Shard

__all__ = ["ENTRY", "UNUSED", "SearchIndexError", "index_shards"]

# Pagefind's ready-made interfaces: we ship our own small one (templates/static/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
RUNTIME = ("pagefind.js", "pagefind-worker.js")  # loaded from a language's first bundle only
TIMEOUT = 1800  # seconds for one run: a shard is at most a few hundred pages, so only a hung Pagefind
ENTRY = "pagefind-entry.json"
PIPE_BYTES = 1 << 20  # the pipe to each Pagefind run (see ``_widen``)

class SearchIndexError(ToolError):
    """Pagefind is missing or failed: a broken installation, not a content problem nor bad usage."""


def index_shards(stage: Path, shards: Sequence[Shard], jobs: int, read: Callable[[str], bytes]) -> list[str]:
    """Index each shard into ``stage/<shard.folder>``; return the files made, relative to ``stage``, sorted.

    ``read(file)`` gives a page's search input (see ``page_input``). Each run is Pagefind's service
    mode fed through a pipe: no input is written to disk (a scratch copy of 10,000 inputs cost as
    much to make, move and delete as to index), and Pagefind indexes the first pages while the
    next are read. Pages go in sorted order and the service handles its messages one by one, so
    the same inputs give the same bytes, whatever ``jobs`` and the order the runs end in.

    This one thread serves every run's pipes (a selector, non-blocking writes): no thread forks,
    and what the runs read and receive is allocated where the rendered pages were just freed.
    """
    runs = max(1, min(jobs, len(shards)))
    threads = _threads_per_run(runs)
    waiting = sorted(shards, key=lambda s: (-len(s.files), s.folder))  # biggest first: the last run to end is small
    running: list[_Run] = []
    made: list[str] = []
    with selectors.DefaultSelector() as selector:
        try:
            while waiting and len(running) < runs:  # the first runs; then each starts as one ends
                running.append(_start(stage, waiting.pop(0), threads, read, selector))
            while waiting or running:
                for key, _ in selector.select(timeout=1.0):
                    run = key.data
                    if key.fd == run.input:
                        _send(run, selector)
                    else:
                        _receive(run)
                ended = [run for run in running if run.over]
                for run in ended:
                    running.remove(run)
                    _end(run, selector)
                # the next runs start before the bundles of those that ended are written (a second
                # at 10,000 releases when one core waited for it)
                while waiting and len(running) < runs:
                    running.append(_start(stage, waiting.pop(0), threads, read, selector))
                for run in ended:
                    made += _finish(stage, run)
                if any(time.monotonic() - run.started > TIMEOUT for run in running):
                    raise SearchIndexError(f"Pagefind ran for more than {TIMEOUT // 60} minutes on one shard")
        finally:
            for run in running:  # after a failure: no run outlives the build
                run.outcome.setdefault("error", "stopped")
                _end(run, selector)
    return sorted(made)


@dataclass
class _Run:
    """One Pagefind service indexing one shard."""

    shard: Shard
    process: subprocess.Popen[bytes]
    requests: Iterator[bytes]  # the messages still to send
    started: float
    outgoing: memoryview = memoryview(b"")  # the part of the current message not yet written
    answers: bytearray = field(default_factory=bytearray)  # received, not yet a whole answer
    outcome: dict[str, Any] = field(default_factory=dict)  # "files": the bundle as Pagefind answered; "error"
    over: bool = False

    @property
    def input(self) -> int:
        assert self.process.stdin is not None
        return self.process.stdin.fileno()

    @property
    def output(self) -> int:
        assert self.process.stdout is not None
        return self.process.stdout.fileno()


def _requests(shard: Shard, read: Callable[[str], bytes]) -> Iterator[bytes]:
    """The service's messages for one shard: a new index (number 0 in a new process), each page, and
    a request for the bundle's files (written here: only those the site serves, each one complete).

    The message number of the last one is ``len(shard.files) + 2``: its answer ends the run."""
    yield _message(1, {"type": "NewIndex", "config": None})
    for number, file in enumerate(shard.files, start=2):
        yield _message(number, {"type": "AddFile", "index_id": 0, "file_path": file, "url": None,
                                "file_contents": read(file).decode("utf-8", "replace")})
    yield _message(len(shard.files) + 2, {"type": "GetFiles", "index_id": 0})


def _message(number: int, payload: dict[str, Any]) -> bytes:
    return base64.b64encode(orjson.dumps({"message_id": number, "payload": payload})) + b","


def _send(run: _Run, selector: selectors.BaseSelector) -> None:
    """Write what the pipe takes of the next messages. Its input stays open once all is sent:
    the service exits as soon as it sees the end of its input, maybe before its last answer."""
    try:
        while True:
            if not run.outgoing:
                message = next(run.requests, None)
                if message is None:
                    selector.unregister(run.input)
                    return
                run.outgoing = memoryview(message)
            written = os.write(run.input, run.outgoing)
            run.outgoing = run.outgoing[written:]
    except BlockingIOError:  # the pipe is full: Pagefind is busy with what it has
        return
    except SearchIndexError as exc:  # a page cannot be read: the run is over
        run.outcome.setdefault("error", str(exc))
        run.over = True
    except OSError:  # the process ended: its output says why
        selector.unregister(run.input)


def _receive(run: _Run) -> None:
    """Read what came, and note each whole answer (they end with a comma).

    Pagefind's error output comes on the same pipe (as its own Python API has it): text that is
    not an answer is what Pagefind had to say when it failed."""
    try:
        chunk = os.read(run.output, 1 << 20)
    except OSError as exc:
        chunk, run.outcome["error"] = b"", f"Pagefind failed: its answer is unreadable ({exc})"
    if not chunk:
        run.outcome.setdefault("error", _failure(bytes(run.answers)))
        run.over = True
        return
    end = chunk.find(b",")
    if end >= 0:
        end += len(run.answers)
    run.answers += chunk  # the bundle's answer is megabytes: only the new bytes are searched
    last = len(run.shard.files) + 2
    while end >= 0 and not run.over:
        answer = bytes(run.answers[:end])
        del run.answers[:end + 1]
        run.over = not _answered(run, answer, last)
        end = run.answers.find(b",")


def _answered(run: _Run, answer: bytes, last: int) -> bool:
    """Note one answer of the service; False when the run is over (its bundle came, or it failed)."""
    try:
        message = orjson.loads(base64.b64decode(answer, validate=True))
    except ValueError:
        run.outcome.setdefault("error", _failure(answer + b"," + bytes(run.answers)))
        return False
    payload = message.get("payload") if isinstance(message, dict) else None
    if not isinstance(payload, dict) or payload.get("type") == "Error":
        detail = payload.get("message") if isinstance(payload, dict) else None
        run.outcome.setdefault("error", f"Pagefind failed: {detail or 'an unexpected answer'}")
        return False
    if message.get("message_id") == last:
        run.outcome["files"] = payload.get("files")
        return False
    return True


def _failure(printed: bytes) -> str:
    lines = printed.decode("utf-8", "replace").strip().splitlines()
    return "Pagefind failed" + (f": {lines[-1].strip()}" if lines else "")


def _end(run: _Run, selector: selectors.BaseSelector) -> None:
    """Stop the service: closing its input ends it once its work is done; after a failure, kill it."""
    for stream in (run.process.stdin, run.process.stdout):
        if stream is not None and not stream.closed and stream.fileno() in selector.get_map():
            selector.unregister(stream.fileno())
    if "error" in run.outcome:
        run.process.kill()
    for stream in (run.process.stdin, run.process.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        run.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        run.process.kill()
        run.process.wait()


def _threads_per_run(runs: int) -> int:
    """Pagefind's own threads per run: the CPUs shared out between the runs at a time (at least one)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // runs)


def _start(stage: Path, shard: Shard, threads: int, read: Callable[[str], bytes], selector: selectors.BaseSelector) -> _Run:
    target = stage / shard.folder
    if target.exists() and any(p.is_file() or p.is_symlink() for p in target.rglob("*")):  # (empty folders: a recycled stage's)
        raise SearchIndexError(f"{shard.folder}/ already exists in the site: a static file or page took the search index's place")
    try:
        command, first = dying_with_this_process(_pagefind() + ["--service"])  # no orphan after kill -9
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, RAYON_NUM_THREADS=str(threads)), preexec_fn=first)
    except OSError as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    run = _Run(shard, process, _requests(shard, read), time.monotonic())
    os.set_blocking(run.input, False)
    _widen(run.input)
    selector.register(run.input, selectors.EVENT_WRITE, run)
    selector.register(run.output, selectors.EVENT_READ, run)
    return run


def _widen(pipe: int) -> None:
    """Give the pipe to Pagefind a megabyte (Linux; 64 KB otherwise, about eight pages): a run goes
    on indexing while this thread writes another run's bundle, instead of waiting for its next page."""
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
        try:
            fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:  # above the system's limit (/proc/sys/fs/pipe-max-size): the default
            pass


def _finish(stage: Path, run: _Run) -> list[str]:
    """A run that ended: the files of its bundle the browser may fetch, written; their names, relative to ``stage``."""
    files = run.outcome.get("files")
    if "error" in run.outcome or not isinstance(files, list):
        raise SearchIndexError(run.outcome.get("error", "Pagefind gave no index")
                               + " (is the pagefind[bin] package installed? run make site)")
    try:
        encoded = {str(f["path"]): f["content"] for f in files}
        entry = json.loads(base64.b64decode(encoded[ENTRY]))
        if not isinstance(entry, dict):
            raise ValueError("its entry file is not an object")
        # only what the browser fetches is decoded; Pagefind lists languages in hash-map order:
        # sorted keys make two builds byte-identical
        bundle = {name: base64.b64decode(content) for name, content in encoded.items()
                  if name != ENTRY and _served(name, entry, run.shard.first)}
    except (KeyError, TypeError, ValueError) as exc:
        raise SearchIndexError(f"Pagefind's index is unreadable ({exc})") from None
    bundle[ENTRY] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    target, made, folders = stage / run.shard.folder, [], set()
    for name in sorted(bundle):
        parts = name.split("/")
        if not all(parts) or ".." in parts or "\\" in name:
            raise SearchIndexError(f"Pagefind named a file outside its bundle: {name}")
        path = target.joinpath(*parts)
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_bytes(bundle[name])
        made.append(f"{run.shard.folder}/{name}")
    return made


def _served(name: str, entry: dict[str, Any], first: bool) -> bool:
    """A file of the bundle the browser may fetch. Not Pagefind's ready-made interfaces (we ship our
    own); the script, worker and one WebAssembly per language only in a language's first bundle
    (the others are merged into it)."""
    if name in UNUSED:
        return False
    if name.startswith("wasm."):
        languages = entry.get("languages")
        return first and isinstance(languages, dict) and any(
            name == f"wasm.{lang.get('wasm') or 'unknown'}.pagefind" for lang in languages.values() if isinstance(lang, dict))
    return first or name not in RUNTIME


def _pagefind() -> list[str]:
    """The indexer's executable (started directly: ``python -m pagefind`` would add an interpreter per run)."""
    try:
        import pagefind_bin
        executable = str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(f"Pagefind is not installed ({exc}); run make site to install the pagefind[bin] package") from None
    if not os.access(executable, os.X_OK):  # said here: a wrapper (setpriv) would only say it exited
        raise SearchIndexError(f"could not run Pagefind: {executable} is missing or not executable")
    return [executable]

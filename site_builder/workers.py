"""Worker processes for ``--jobs``: never more than there is work for, and never outliving the build.

A forked worker holds both ends of its task pipe, so if the builder is killed (``kill -9``, the
machine's out-of-memory killer) it would wait on that pipe for ever. Each worker therefore asks the
kernel to kill it when its parent dies (Linux ``PR_SET_PDEATHSIG``), and elsewhere watches its parent.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any, Callable, Literal, Optional, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def worker_pool(jobs: int, tasks: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """A fork pool of at most ``jobs`` workers and at most one per task (``--jobs 300``, 7 chunks: 7)."""
    workers = max(1, min(jobs, tasks))
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))


Lane = Literal["here", "there", "any"]  # which processes may take a chunk: this one, a worker, either
QUEUED = 4  # chunks queued for each worker at most (see ``in_parallel``)


def in_parallel(jobs: int, chunks: Sequence[T], here: Callable[[T], R], there: Callable[[T], R],
                initializer: Callable[..., None], initargs: tuple[Any, ...],
                take: Optional[Callable[[R], None]] = None, lanes: Optional[Sequence[Lane]] = None) -> list[R]:
    """Each chunk's result, in order, from ``jobs`` processes in all: this one and ``jobs - 1`` forked workers.

    This process works too (``here``) instead of waiting: a forked worker's resident memory counts
    the whole plan it inherited, so one process fewer is a plan fewer in the process tree's memory,
    for the same parallelism. Workers run ``there`` (after ``initializer(*initargs)``); this process
    takes the next chunk whenever it is free. Each worker has up to ``QUEUED`` chunks queued, so that
    it is not left waiting while this process renders a long chunk (it was idle an eighth of the
    render at 10,000 releases with two); once this process has nothing left of its own, it takes
    back the queued chunks no worker has started, the last first, so the tail is shared too.

    ``lanes`` pins chunks to this process or to the workers (the others go to whichever is free
    first, in order): work that shares a cache (the list pages of one language share their items)
    is then done where that cache is, once.

    With ``take``, each result is given to it as soon as it and every earlier one are done, in
    order, and not kept (an empty list is returned): what the results hold is digested as it comes
    instead of piling up until the last chunk.
    """
    if jobs <= 1 or len(chunks) <= 1:
        if take is None:
            return [here(chunk) for chunk in chunks]
        for chunk in chunks:
            take(here(chunk))
        return []
    lane: Sequence[Lane] = lanes if lanes is not None else ["any"] * len(chunks)
    results: list[Optional[R]] = [None] * len(chunks)
    done_flags = [False] * len(chunks)
    given = 0  # results before this one were given to ``take``
    queued: dict[Future[R], int] = {}
    pending = list(range(len(chunks)))  # not started yet, in order
    with worker_pool(jobs - 1, len(chunks) - 1, initializer, initargs) as pool:
        while pending or queued:
            while len(queued) < QUEUED * (jobs - 1):
                index = _next_chunk(pending, lane, "here")
                if index is None:
                    break
                queued[pool.submit(there, chunks[index])] = index
            index = _next_chunk(pending, lane, "there")
            if index is None:
                index = _take_back(queued, lane)
            if index is not None:
                results[index], done_flags[index] = here(chunks[index]), True
            done, _ = wait(queued, timeout=0 if index is not None or not queued else None, return_when=FIRST_COMPLETED)
            for future in done:
                finished = queued.pop(future)
                results[finished], done_flags[finished] = future.result(), True
            while take is not None and given < len(chunks) and done_flags[given]:
                take(results[given])  # type: ignore[arg-type]  # done: filled
                results[given] = None
                given += 1
    return [] if take is not None else results  # type: ignore[return-value]  # every slot is filled


def _take_back(queued: dict[Future[Any], int], lanes: Sequence[Lane]) -> Optional[int]:
    """A queued chunk that no worker has started and this process may take (the last such), or None.

    A future can be cancelled until the pool hands it to a worker's call queue (at most one more
    than there are workers): the chunks behind those are still this process's to take."""
    for future, index in sorted(queued.items(), key=lambda item: -item[1]):
        if lanes[index] != "there" and future.cancel():
            del queued[future]
            return index
    return None


def _next_chunk(pending: list[int], lanes: Sequence[Lane], other: Lane) -> Optional[int]:
    """The first chunk not started that is not pinned to ``other``, taken out of ``pending``."""
    for position, index in enumerate(pending):
        if lanes[index] != other:
            return pending.pop(position)
    return None


def _start_worker(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    die_with_parent(parent)
    initializer(*initargs)


def dying_with_this_process(argv: list[str]) -> tuple[list[str], Optional[Callable[[], None]]]:
    """The command line and the ``preexec_fn`` that start ``argv`` as a program that ends with this process.

    On Linux, util-linux's ``setpriv --pdeathsig`` asks for it, and the program is started without
    a function to run first: Python then starts it with ``vfork``, which copies nothing of this
    process. A ``preexec_fn`` makes it ``fork``, which copies the page tables of this process (a
    few hundred MB at 10,000 releases, for each of 40 Pagefind runs), and for that moment the
    process tree counts this process twice."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    if setpriv is not None:
        return [setpriv, "--pdeathsig", "KILL", "--", *argv], None
    return argv, functools.partial(die_with_parent, os.getpid())


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)

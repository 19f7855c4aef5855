"""Worker processes for ``--jobs``: never more than there is work for, and never outliving the build.

A forked worker holds both ends of its task pipe, so if the builder is killed (``kill -9``, the
machine's out-of-memory killer) it would wait on that pipe for ever. Each worker therefore asks the
kernel to kill it when its parent dies (Linux ``PR_SET_PDEATHSIG``), and elsewhere watches its parent.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any, Callable, Optional, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def worker_pool(jobs: int, tasks: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """A fork pool of at most ``jobs`` workers and at most one per task (``--jobs 300``, 7 chunks: 7)."""
    workers = max(1, min(jobs, tasks))
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))


def in_parallel(jobs: int, chunks: Sequence[T], here: Callable[[T], R], there: Callable[[T], R],
                initializer: Callable[..., None], initargs: tuple[Any, ...],
                take: Optional[Callable[[R], None]] = None) -> list[R]:
    """Each chunk's result, in order, from ``jobs`` processes in all: this one and ``jobs - 1`` forked workers.

    This process works too (``here``) instead of waiting: a forked worker's resident memory counts
    the whole plan it inherited, so one process fewer is a plan fewer in the process tree's memory,
    for the same parallelism. Workers run ``there`` (after ``initializer(*initargs)``), each with
    at most two chunks queued; this process takes the next chunk whenever it is free.

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
    results: list[Optional[R]] = [None] * len(chunks)
    done_flags = [False] * len(chunks)
    given = 0  # results before this one were given to ``take``
    queued: dict[Future[R], int] = {}
    following = 0
    with worker_pool(jobs - 1, len(chunks) - 1, initializer, initargs) as pool:
        while following < len(chunks) or queued:
            while following < len(chunks) and len(queued) < 2 * (jobs - 1):
                queued[pool.submit(there, chunks[following])] = following
                following += 1
            if following < len(chunks):
                results[following], done_flags[following] = here(chunks[following]), True
                following += 1
            done, _ = wait(queued, timeout=0 if following < len(chunks) else None, return_when=FIRST_COMPLETED)
            for future in done:
                index = queued.pop(future)
                results[index], done_flags[index] = future.result(), True
            while take is not None and given < len(chunks) and done_flags[given]:
                take(results[given])  # type: ignore[arg-type]  # done: filled
                results[given] = None
                given += 1
    return [] if take is not None else results  # type: ignore[return-value]  # every slot is filled


def _start_worker(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    die_with_parent(parent)
    initializer(*initargs)


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

"""How a build treats Python's garbage collector: paused where it could only waste time, and
what lives until the end kept out of its way.

Reading the snapshot and the records of the last build, and planning the site, make millions of
objects that all live until the end of the build and no cyclic garbage: at 10,000 releases the
collector walked them again and again while they were made (full collections: about a tenth of a
one-edit build), and once more when it ran again. So these run with the collector paused, and
what they made is frozen (``gc.freeze``) before it runs again: no collection ever walks it, and
the forked workers share its pages, which the collector would otherwise write to.

Parsing Markdown does make cyclic garbage, so it runs with the collector as the caller has it:
paused there, its garbage would be frozen with the archive and never freed (at 10,000 releases,
6 MiB more in the main process and 20 MiB more in the process tree: the forked render worker
counts it again).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused(keep: bool = False) -> Iterator[None]:
    """No automatic collection within; the collector is left on or off as it was found.

    ``keep``: what was made within lives until the end of the build: it is frozen on the way out,
    before any collection can walk it (only inside ``long_lived``, which unfreezes at the end)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """A build within which what ``paused(keep=True)`` froze stays frozen; unfrozen on the way out,
    so that a caller (tests, the dev server) can collect it once the build is over."""
    try:
        yield
    finally:
        gc.unfreeze()


def give_back_free_memory() -> None:
    """Return to the system the free pages of this process's heap (glibc's ``malloc_trim``).

    Memory freed by Python stays with the process: the next allocations reuse it, but the system
    still counts it. After a large part of what a process holds is dropped for good (a render
    worker's release items, once its list pages are done), giving the whole free pages back keeps
    the process tree's memory what the process still uses. Elsewhere than glibc: nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # another C library
        pass

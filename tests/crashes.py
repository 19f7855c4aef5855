"""Killing builds at random moments (``kill -9``): shared by tests/test_crash_safety.py and bench/kill_builds.py.

Two versions of one archive are built in turn into one output; each build is killed after a random
delay. After every kill the output must hold exactly the previous site or the new one, no worker or
indexer process of the killed build may live on, and the next build must leave no leftovers.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import ROOT, copy_fixture, tree_bytes

RELEASE = "releases/2015/2015-01-20-january.md"


@dataclass
class Tally:
    kills: int = 0
    previous: int = 0  # kills that left the previous site
    new: int = 0  # kills that left the new site
    failures: list[str] = field(default_factory=list)


def set_version(content: Path, version: str) -> None:
    """Two archives whose sites differ: the title of one release."""
    path = content / RELEASE
    text = path.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    lines = rest.split("\n")
    lines = [f"title: Version {version}" if line.startswith("title:") else line for line in lines]
    path.write_text(first + "\n" + "\n".join(lines), encoding="utf-8")


def start_build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--jobs", "2"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def build(root: Path) -> dict[str, bytes]:
    process = start_build(root)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    return tree_bytes(root / "output")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".output.building-", ".output.old-", ".output.lock")))


def kill_builds(root: Path, tries: int, seed: int, log: bool = False) -> Tally:
    """Build, kill, check, ``tries`` times; the archive is made under ``root`` (empty)."""
    content = copy_fixture(root)
    trees = {}
    started = time.perf_counter()
    for version in ("A", "B"):
        set_version(content, version)
        trees[version] = build(root)
    duration = (time.perf_counter() - started) / 2
    assert trees["A"] != trees["B"]
    rng = random.Random(seed)
    current, tally = "B", Tally()
    for attempt in range(tries):
        target = "A" if current == "B" else "B"
        set_version(content, target)
        delay = rng.uniform(duration * 0.3, duration * 1.6)  # mostly around the end: rendering, indexing, the swap
        process = start_build(root)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)  # the builder only: its workers must follow by themselves
        process.wait()
        tally.kills += 1
        deadline = time.monotonic() + 5
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if group_alive(process.pid):
            tally.failures.append(f"try {attempt}: processes of the killed build live on")
            os.killpg(process.pid, signal.SIGKILL)
        found = tree_bytes(root / "output") if (root / "output").is_dir() else None
        if found == trees[target]:
            tally.new += 1
            current = target
        elif found == trees[current]:
            tally.previous += 1
        else:
            tally.failures.append(f"try {attempt} (killed after {delay:.2f}s): the output is neither site")
        if log:
            print(f"try {attempt + 1}: killed after {delay:.2f}s (a build takes {duration:.2f}s), {'new' if current == target else 'previous'} site", flush=True)
    set_version(content, "A")
    if build(root) != trees["A"]:
        tally.failures.append("the build after the kills differs from a clean one")
    if leftovers(root):
        tally.failures.append(f"leftovers after a finished build: {leftovers(root)}")
    return tally

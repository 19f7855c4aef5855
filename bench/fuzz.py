"""Fuzz check and build for N minutes: prints how many inputs ran, how long, and every finding.

    python bench/fuzz.py --minutes 10 [--save /tmp/fuzz-findings]

The harness is tests/fuzzing.py (properties in its docstring); ``make test`` runs 25 seeded inputs of
it. Each finding is saved as a file: once fixed, copy it into tests/fixtures/fuzz/ (``ok-`` in front
of the name when it must build) so tests/test_fuzz.py keeps it fixed. Memory is capped at 4 GB so a
blow-up is a finding (MemoryError), not a frozen machine.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from tests.fuzzing import Project, release  # noqa: E402

BATCH = 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--save", type=Path, default=Path(tempfile.gettempdir()) / "fuzz-findings")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    stop = time.monotonic() + args.minutes * 60
    exits: Counter[tuple[int, int]] = Counter()
    findings: dict[str, list[str]] = {}
    slowest = 0.0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        project = Project(Path(tmp))

        @settings(max_examples=BATCH, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(document=release)
        def batch(document: str) -> None:
            nonlocal slowest
            if time.monotonic() > stop:
                return
            verdict = project.try_release(document)
            exits[(verdict.check, verdict.build)] += 1
            slowest = max(slowest, verdict.seconds)
            if verdict.problems:
                name = hashlib.sha1(document.encode("utf-8", "surrogatepass")).hexdigest()[:12]
                findings[name] = verdict.problems
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{name}.md").write_bytes(document.encode("utf-8", "surrogatepass"))
                print(f"FINDING {name}: {verdict.problems[0][:300]}", flush=True)

        while time.monotonic() < stop:
            batch()
            print(f"{sum(exits.values())} inputs, {time.monotonic() - started:.0f}s, {len(findings)} findings", flush=True)
    total = sum(exits.values())
    elapsed = time.monotonic() - started
    print(f"\n{total} inputs in {elapsed:.0f}s ({total / elapsed:.1f}/s); slowest input {slowest:.2f}s (check + build)")
    print("exit codes (check, build): " + ", ".join(f"{k}: {v}" for k, v in sorted(exits.items())))
    print(f"{len(findings)} findings" + (f", saved in {args.save}" if findings else ""))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

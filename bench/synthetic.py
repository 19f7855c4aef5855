"""A synthetic archive of N releases, for benchmarks: realistic sizes, every feature used."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("defenders mechanism protection cooperation rapporteur commission meeting reprisals impunity country "
         "visit follow-up communication urgent appeal detention freedom association assembly regional").split()


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                    for _ in range(sentences))


def make_archive(target: Path, releases: int, seed: int = 1) -> Path:
    """Copy content/'s settings, meetings and mechanisms, then add ``releases`` generated releases."""
    rng = random.Random(seed)
    content = target / "content"
    shutil.copytree(ROOT / "content", content)
    mechanisms = sorted(p.stem for p in (content / "mechanisms").glob("*.md"))
    meetings = ["1", "2", "3", "4", "5.1", "5.2"]
    topics = [line.split(":")[0] for line in (content / "topics.yaml").read_text().splitlines()
              if line and not line.startswith((" ", "#"))]
    languages = ["en", "en", "en", "fr", "es"]
    for n in range(releases):
        year = 2000 + n % 25
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        lang = languages[n % len(languages)]
        folder = content / "releases" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(_paragraph(rng, rng.randint(2, 5)) for _ in range(rng.randint(3, 7)))
        (folder / f"{year}-{month:02d}-{day:02d}-synthetic-{n}.md").write_text(
            f"---\ntitle: \"Synthetic release {n}: {rng.choice(WORDS)} and {rng.choice(WORDS)}\"\n"
            f"date: {year}-{month:02d}-{day:02d}\nplace: Geneva\nlang: {lang}\n"
            f"meetings: [\"{rng.choice(meetings)}\"]\nmechanisms: [{', '.join(rng.sample(mechanisms, 3))}]\n"
            f"topics: [{', '.join(rng.sample(topics, 2))}]\n---\n{body}\n\nA note[^1].\n\n[^1]: The Observatory.\n",
            encoding="utf-8")
    return content

"""One fixture folder per integrity rule of SPEC.md: the exact ``path:line: error:`` lines and exit 1.

Each folder under tests/fixtures/errors/ is laid over a small valid archive (tests.helpers.MINIMAL);
its expected.txt holds the exact lines `check` and `build` must print, in order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, make_site, run

ERRORS = FIXTURES / "errors"
RULES = sorted(p.name for p in ERRORS.iterdir() if p.is_dir())


def _prepare(tmp_path: Path, rule: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    content = make_site(tmp_path)
    folder = ERRORS / rule
    for file in folder.rglob("*"):
        if file.is_file() and file.name != "expected.txt":
            target = content / file.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    monkeypatch.chdir(tmp_path)
    return (folder / "expected.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("rule", RULES)
def test_check_reports_exact_lines(rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _prepare(tmp_path, rule, monkeypatch)
    code, out, err = run("check")
    assert code == 1
    lines = err.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"check found {len(expected)} error{'s' if len(expected) != 1 else ''}"
    assert "Traceback" not in err + out


@pytest.mark.parametrize("rule", RULES)
def test_build_refuses_and_writes_nothing(rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _prepare(tmp_path, rule, monkeypatch)
    code, _, err = run("build")
    assert code == 1
    assert err.splitlines()[:-1] == expected
    assert not (tmp_path / "output").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content"]  # no staging folder left behind


def test_symlink_leading_outside_content_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_site(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publication")
    (content / "static").mkdir()
    (content / "static" / "leak.txt").symlink_to(secret)
    (content / "static" / "real.txt").write_text("published")
    (content / "static" / "fine.txt").symlink_to(content / "static" / "real.txt")
    monkeypatch.chdir(tmp_path)
    code, _, err = run("build")
    assert code == 1
    assert err.splitlines()[0] == ("content/static/leak.txt:0: error: this symbolic link leads outside content/ "
                                   "(copy the file into content/ instead of linking to it)")
    assert len(err.splitlines()) == 2


def test_every_rule_of_the_spec_has_a_fixture() -> None:
    """SPEC.md's integrity rules, each covered by a folder (symlinks by the test above)."""
    assert set(RULES) >= {
        "missing-field", "mistyped-field", "bad-date", "unknown-ids", "duplicate-url", "duplicate-meeting",
        "missing-attachment", "duplicate-translation", "unknown-language", "malformed-yaml", "not-utf8",
    }

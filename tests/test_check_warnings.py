"""`check` warnings: each one on a tiny archive, with its exact line; `--strict` makes them errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.options import Options

from site_builder.pipeline import check
from tests.helpers import make_site, run

TODAY = dt.date(2015, 6, 1)
RELEASE = "releases/2011/2011-01-01-x.md"


def warnings_of(tmp_path: Path, files: dict[str, str | None]) -> list[str]:
    content = make_site(tmp_path, files)
    return [d.format() for d in check(Options(content=content), today=TODAY)]


def release(body: str, front: str = "") -> str:
    return f"---\ntitle: X\ndate: 2011-01-01\n{front}---\n{body}\n"


def test_minimal_archive_has_no_warnings(tmp_path: Path) -> None:
    assert warnings_of(tmp_path, {}) == []


# --- mechanisms named in a body --------------------------------------------------------------

def test_mechanism_named_by_alias_but_not_listed(tmp_path: Path) -> None:
    found = warnings_of(tmp_path, {RELEASE: release("First paragraph.\n\nThe ODIHR said so.")})
    assert found == [f"{RELEASE}:7: warning: the text names OSCE/ODIHR ('ODIHR') but osce-odihr is not in mechanisms "
                     "(add it to the front matter: mechanisms: [osce-odihr])"]


@pytest.mark.parametrize("text", [
    "The Office for Democratic Institutions and Human Rights met.",  # full name, as written
    "the office for democratic institutions\nand human rights met.",  # any case, across a line break
    "Le Bureau des institutions démocratiques et des droits de l’Homme a dit.",  # French alias, curly apostrophe
    "La Oficina de Instituciones Democráticas y Derechos Humanos dijo.",  # Spanish alias
    "The OSCE/ODIHR spoke.",  # short name
])
def test_every_name_in_every_language(tmp_path: Path, text: str) -> None:
    mechanism = ("---\nname: Office for Democratic Institutions and Human Rights\nshort: OSCE/ODIHR\n"
                 "aliases: [ODIHR, \"Bureau des institutions démocratiques et des droits de l'Homme\", "
                 "Oficina de Instituciones Democráticas y Derechos Humanos]\n---\nThe office.\n")
    found = warnings_of(tmp_path, {"mechanisms/osce-odihr.md": mechanism, RELEASE: release(text)})
    assert len(found) == 1 and found[0].startswith(f"{RELEASE}:5: warning: the text names OSCE/ODIHR")


def test_listed_mechanism_is_not_reported(tmp_path: Path) -> None:
    assert warnings_of(tmp_path, {RELEASE: release("The ODIHR said so.", "mechanisms: [osce-odihr]\n")}) == []


@pytest.mark.parametrize("text", [
    "La réunion a eu lieu à Paris.",  # "eu" is not the EU: one-word names match only as written
    "See [the report](https://example.org/EU/ODIHR/report.pdf).",  # a link target is not text
    "The ODIHRS are not a mechanism.",  # part of a longer word
])
def test_no_false_mentions(tmp_path: Path, text: str) -> None:
    eu = "---\nname: European Union\nshort: EU\n---\nThe EU.\n"
    assert warnings_of(tmp_path, {"mechanisms/eu.md": eu, RELEASE: release(text)}) == []


def test_longest_name_wins_and_one_warning_per_mechanism(tmp_path: Path) -> None:
    coe = ("---\nname: Council of Europe Commissioner for Human Rights\nshort: CoE Commissioner\n"
           "aliases: [Council of Europe]\n---\nThe Commissioner.\n")
    body = "The Council of Europe Commissioner for Human Rights spoke.\n\nThe Council of Europe agreed."
    found = warnings_of(tmp_path, {"mechanisms/coe.md": coe, RELEASE: release(body)})
    assert found == [f"{RELEASE}:5: warning: the text names CoE Commissioner ('Council of Europe Commissioner for Human "
                     "Rights') but coe is not in mechanisms (add it to the front matter: mechanisms: [coe])"]


def test_meeting_body_names_a_mechanism_that_is_not_a_participant(tmp_path: Path) -> None:
    meeting = '---\nnumber: "4"\nstart: "2012"\nparticipants: []\n---\nHeld.\n\nODIHR sent a message.\n'
    found = warnings_of(tmp_path, {"meetings/4.md": meeting})
    assert found == ["meetings/4.md:8: warning: the text names OSCE/ODIHR ('ODIHR') but osce-odihr is neither the host "
                     "nor in participants (if it took part, add it: participants: [osce-odihr])"]


# --- dates -----------------------------------------------------------------------------------

def test_release_dated_in_the_future_is_scheduled(tmp_path: Path) -> None:
    found = warnings_of(tmp_path, {"releases/2041/2041-03-01-x.md": "---\ntitle: X\ndate: 2041-03-01\n---\nText.\n"})
    assert found == ["releases/2041/2041-03-01-x.md:3: warning: dated 2041-03-01, in the future: build publishes it "
                     "now with that date (check the date; to keep it unpublished for now, add draft: true)"]


def test_today_is_not_the_future(tmp_path: Path) -> None:
    assert warnings_of(tmp_path, {"releases/2015/2015-06-01-x.md": "---\ntitle: X\ndate: 2015-06-01\n---\nText.\n"}) == []


def test_check_reads_the_clock_and_build_publishes_anyway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {"releases/2999/2999-01-01-later.md": "---\ntitle: Later\ndate: 2999-01-01\n---\nText.\n"})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("check")
    assert code == 0 and "content/releases/2999/2999-01-01-later.md:3: warning: dated 2999-01-01" in err
    assert run("build")[0] == 0
    assert (tmp_path / "output" / "releases" / "2999" / "later" / "index.html").is_file()


# --- translations and topics -----------------------------------------------------------------

def test_translation_key_nobody_else_uses(tmp_path: Path) -> None:
    found = warnings_of(tmp_path, {
        "releases/2010/2010-12-09-warsaw.md": None,
        "releases/2010/2010-12-09-a.md": "---\ntitle: A\ndate: 2010-12-09\ntranslation_key: warsaw-2010\n---\nA.\n",
        "releases/2010/2010-12-09-a.fr.md": "---\ntitle: A fr\ndate: 2010-12-09\ntranslation_key: warsaw-2010\n---\nA.\n",
        "releases/2010/2010-12-09-b.md": "---\ntitle: B\ndate: 2010-12-09\ntranslation_key: warsaw-2011\n---\nB.\n",
    })
    assert found == ["releases/2010/2010-12-09-b.md:4: warning: translation_key 'warsaw-2011' is used by no other file "
                     "(did you mean 'warsaw-2010'?)", "topics.yaml:1: warning: topic 'cooperation' is used by no release "
                     "(use it in a release's topics, or remove it from topics.yaml)"]


def test_unused_topic(tmp_path: Path) -> None:
    found = warnings_of(tmp_path, {"topics.yaml": "cooperation:\n  title: Cooperation\nunused:\n  title: Unused\n"})
    assert found == ["topics.yaml:3: warning: topic 'unused' is used by no release "
                     "(use it in a release's topics, or remove it from topics.yaml)"]


# --- the command line ------------------------------------------------------------------------

def test_warnings_exit_0_and_strict_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {"topics.yaml": "cooperation:\n  title: Cooperation\nunused:\n  title: Unused\n"})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("check")
    assert (code, out) == (0, "content: no errors, 1 warning\n")
    assert err == ("content/topics.yaml:3: warning: topic 'unused' is used by no release "
                   "(use it in a release's topics, or remove it from topics.yaml)\n")
    code, out, err = run("check", "--strict")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["content/topics.yaml:3: error: topic 'unused' is used by no release "
                                "(use it in a release's topics, or remove it from topics.yaml)",
                                "content: 1 warning, errors with --strict"]


def test_strict_passes_a_clean_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run("check", "--strict") == (0, "content: no errors\n", "")


def test_errors_still_exit_1_without_warnings_noise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {RELEASE: "---\ntitle: X\n---\nThe ODIHR.\n"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check", "--strict")
    assert code == 1
    assert err.splitlines()[0] == f"content/{RELEASE}:2: error: missing required field 'date' (add a line 'date: ...' to the front matter)"
    assert "warning" not in err

"""The front matter's graph check is skipped only where it cannot find anything: same values, same errors."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.content import yaml_lines
from site_builder.content.yaml_lines import YamlError, load_yaml
from tests.fuzzing import front_matter

EXTRA = st.sampled_from(["", "v: =\n", "d: !!binary aGk=\n", "s: !!set {a}\n", "t: !!timestamp 2010-01-01\n",
                         "x: !custom y\n", "u: https://x.org/?a=1\n", "m: {k: =}\n", "l: [=, 1]\n"])


def _outcome(text: str) -> Any:
    try:
        data, lines = load_yaml(text)
        return ("ok", data, lines)
    except YamlError as exc:
        return ("error", exc.message, exc.line, exc.code)


def _with_every_check(text: str) -> Any:
    saved = yaml_lines._GRAPH_MARKS
    yaml_lines._GRAPH_MARKS = ("",)  # "" is in every text: the check always runs
    try:
        return _outcome(text)
    finally:
        yaml_lines._GRAPH_MARKS = saved


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter(), EXTRA)
def test_front_matter_loads_as_with_the_check_always_run(text: str, extra: str) -> None:
    assert _outcome(text + extra) == _with_every_check(text + extra)


def test_the_types_refused_without_an_explicit_tag_are_still_refused() -> None:
    assert _outcome("v: =\n")[:2] == ("error", "the YAML type !!value is not accepted")
    assert _outcome("a: &x [1]\nb: *x\n")[0] == "ok"

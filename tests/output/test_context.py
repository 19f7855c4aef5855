"""QuickContext's direct call gives templates what Jinja's own Context.call gives them."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from site_builder.output.context import QuickContext, reads_only

TEMPLATE = """\
{%- macro shout(word) %}{{ word | upper }}{% endmacro -%}
plain={{ plain(1, 2) }}
method={{ holder.method(3) }}
builtin={{ "-".join(["a", "b"]) }}
context={{ with_context("x") }}
{% for item in [1, 2] %}{% set inner = item * 2 %}loop={{ with_context(item) }}:{{ loop.index }}:{{ seen_loop() }} {% endfor %}
{% set local = "set here" %}top={{ seen_local() }}
{% block body %}{% set in_block = "set in block" %}block={{ seen_block() }}{% endblock %}
eval={{ with_eval("y") }}
environment={{ with_environment("z") }}
macro={{ shout("hi") }}
callable_object={{ wants_context() }}
stopped={{ stops() is undefined }}
keywords={{ keywords(a=1, b=2) }}
"""


class Holder:
    def method(self, n: int) -> int:
        return n * 10


class WantsContext:
    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context) -> str:
        return f"object saw lang={context['lang']}"


def _render(context_class: type[jinja2.runtime.Context]) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.context_class = context_class

    @jinja2.pass_context
    def with_context(context: jinja2.runtime.Context, value: Any) -> str:
        return f"{context['lang']}:{value}"

    @jinja2.pass_context
    def seen_loop(context: jinja2.runtime.Context) -> str:
        return f"inner={context.get('inner')}"

    @jinja2.pass_context
    def seen_block(context: jinja2.runtime.Context) -> str:
        return f"in_block={context.get('in_block')}"

    @jinja2.pass_context
    def seen_local(context: jinja2.runtime.Context) -> str:
        return f"local={context.get('local')}"

    @jinja2.pass_eval_context
    def with_eval(eval_context: Any, value: Any) -> str:
        return f"autoescape={eval_context.autoescape}:{value}"

    @jinja2.pass_environment
    def with_environment(environment: jinja2.Environment, value: Any) -> str:
        return f"{type(environment).__name__}:{value}"

    def stops() -> None:
        raise StopIteration

    env.globals.update(plain=lambda a, b: a + b, holder=Holder(), with_context=with_context, seen_loop=seen_loop,
                       seen_local=seen_local, seen_block=seen_block, with_eval=with_eval, with_environment=with_environment,
                       wants_context=WantsContext(), stops=stops,
                       keywords=lambda **kw: ",".join(f"{k}={v}" for k, v in sorted(kw.items())))
    return env.from_string(TEMPLATE).render(lang="fr")


def test_every_kind_of_call_gives_what_jinjas_context_gives() -> None:
    quick, stock = _render(QuickContext), _render(jinja2.runtime.Context)
    assert quick == stock
    assert "loop=fr:1:1:inner=2 loop=fr:2:2:inner=4" in quick  # what the loop set reached the function
    assert "top=local=set here" in quick and "block=in_block=set in block" in quick
    assert "callable_object=object saw lang=fr" in quick and "macro=HI" in quick and "stopped=True" in quick



def test_a_function_that_reads_only_lang_sees_the_lang_a_loop_or_block_sets() -> None:
    @reads_only("lang")
    @jinja2.pass_context
    def page_lang(context: jinja2.runtime.Context) -> str:
        return str(context["lang"])

    template = ("{% for item in [1] %}{% set other = 2 %}a={{ page_lang() }} {% endfor %}"
                "{% for item in [1] %}{% set lang = 'es' %}b={{ page_lang() }} {% endfor %}"
                "{% block body %}{% set lang = 'de' %}c={{ page_lang() }}{% endblock %}")
    for context_class in (QuickContext, jinja2.runtime.Context):
        env = jinja2.Environment()
        env.context_class = context_class
        env.globals["page_lang"] = page_lang
        assert env.from_string(template).render(lang="fr") == "a=fr b=es c=de"

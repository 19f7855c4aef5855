"""Jinja's template context, with a shorter way through its most frequent call.

Every call written in a template (``_("Home")``, ``href(...)``, a macro) goes through
``Context.call``, which first asks whether the callable wants the context, the evaluation context
or the environment passed in (``jinja2.pass_context`` and its kind): two ``hasattr`` and two
attribute look-ups, one on a method-wrapper made for the purpose (``obj.__call__``), then two
``dict.pop``. A release page makes some 150 such calls; at 1,000 releases, a profile put a fifth
of the rendering time in that preamble.

For a plain function, bound method or built-in (the template globals, filters and Jinja's own
helpers) and for a macro the answer is one attribute of the callable: ``QuickContext.call`` reads
it, then does what Jinja does with the answer. Any other callable (a class, an object with its own
``__call__``) takes Jinja's own path, so what a template sees is the same in every case. A function
marked with ``reads_only`` is not given a context of its own inside a loop that sets none of the
names it reads.
"""

from __future__ import annotations

import types
from typing import Any, Callable, Optional, TypeVar, Union

import jinja2.runtime
from jinja2.utils import _PassArg

__all__ = ["QuickContext", "reads_only"]

F = TypeVar("F", bound=Callable[..., Any])


def reads_only(*names: str) -> Callable[[F], F]:
    """Marks a ``pass_context`` function that reads only ``names`` from the context (``_()`` reads
    the page's ``lang``). Called inside a loop or a block whose variables are not among them, it is
    given the page's context itself: Jinja would make a new context holding those variables for
    the call (``Context.derived``), some ten times a release page, only for the function to read
    from it what the page's context holds anyway."""
    def mark(function: F) -> F:
        function.context_reads = frozenset(names)  # type: ignore[attr-defined]
        return function
    return mark

# callables whose ``__call__`` cannot ask for a context: only the callable itself may (macros never do)
_PLAIN = frozenset({types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.BuiltinMethodType,
                    jinja2.runtime.Macro})


class QuickContext(jinja2.runtime.Context):
    """``jinja2.runtime.Context`` with a direct ``call`` for plain functions (see the module)."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Union[Any, jinja2.runtime.Undefined]:  # noqa: N805
        if type(__obj) not in _PLAIN:
            return super().call(__obj, *args, **kwargs)
        passed = getattr(__obj, "jinja_pass_arg", None)  # what _PassArg.from_obj reads
        # a call inside a loop or a block names its variables (for a function that takes the context)
        loop_vars = kwargs.pop("_loop_vars", None) if kwargs else None
        block_vars = kwargs.pop("_block_vars", None) if kwargs else None
        if passed is _PassArg.context:
            context: jinja2.runtime.Context = __self
            reads: Optional[frozenset[str]] = getattr(__obj, "context_reads", None)
            if loop_vars and (reads is None or not reads.isdisjoint(loop_vars)):
                context = context.derived(loop_vars)
            if block_vars and (reads is None or not reads.isdisjoint(block_vars)):
                context = context.derived(block_vars)
            args = (context, *args)
        elif passed is _PassArg.eval_context:
            args = (__self.eval_ctx, *args)
        elif passed is _PassArg.environment:
            args = (__self.environment, *args)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")

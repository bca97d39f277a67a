"""Reuse of per-item steps between builds: a value is kept while its inputs are the very same objects.

Load keeps the parsed document of an unchanged file, and the body memo keeps its body,
so after a one-article edit every other article reaches the model as the same objects
as in the previous build. A pure step of one item (an article's annotation export, its
relation contributions, its feed entry) is then a function of objects that compare by
identity in nanoseconds, where hashing or pickling them would cost more than the step.

Inputs are compared with `is` first and `==` second, so equal plain values (strings,
numbers, tuples of them) also count as unchanged. Only the current and the previous
build's entries are kept: memory stays proportional to the site.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


def same_inputs(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Element-wise identity (or, failing that, equality) of two input tuples."""
    # Tuple equality already tests each pair for identity before calling __eq__, in C:
    # a tenth of the cost of spelling it out, over the hundred thousand steps of a large site.
    return old == new


class Reuse:
    """Per-item values of the previous build; one per BuildCache, so `serve` keeps it between builds."""

    def __init__(self) -> None:
        self._previous: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._current: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._retired: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}

    def start_build(self) -> None:
        # An empty current generation means the last build stopped early: keep the older one.
        if self._current:
            self._retired, self._previous, self._current = self._previous, self._current, {}

    def release(self) -> None:
        """Free the generation start_build retired. After a serve's first edit that is a whole
        build's values, tens of milliseconds to free: called once the pages are shown."""
        self._retired = {}

    def kept(self, step: Hashable, inputs: tuple[Any, ...]) -> Any | None:
        """The value kept for `step` if it was computed from the same inputs, else None."""
        entry = self._current.get(step) or self._previous.get(step)
        if entry is not None and same_inputs(entry[0], inputs):
            return entry[1]
        return None

    def keep(self, step: Hashable, inputs: tuple[Any, ...], value: Any) -> None:
        self._current[step] = (inputs, value)

    def get(self, step: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """compute(), or the value kept for `step` when it was computed from the same inputs.

        `compute` must be a pure function of `inputs` (and of nothing else that can change),
        and must not return None.
        """
        value = self.kept(step, inputs)
        if value is None:
            value = compute()
        self.keep(step, inputs, value)
        return value  # type: ignore[no-any-return]


def reuse_or_compute(reuse: Reuse | None, step: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Reuse.get where a Reuse is kept (`serve`); a single `sitegen build` passes None and computes."""
    return compute() if reuse is None else reuse.get(step, inputs, compute)

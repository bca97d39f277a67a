"""The files `serve` answers with, patched from one build to the next by what changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sitegen.pages import differing
from sitegen.render import Output


@dataclass(frozen=True, slots=True)
class Changes:
    """What a build changed in the table: files new or with other bytes, and paths gone."""

    fresh: list[Output]
    gone: set[str]

    def paths(self) -> list[str]:
        return sorted({*self.gone, *(o.path for o in self.fresh)})


@dataclass(frozen=True)
class OutputTable:
    """A good build's outputs, in build order, and the same as a path → bytes table.

    At 10,000 articles a build makes some 40,000 files, and all but a handful are the very
    objects of the previous build (memoised steps, reuse.py). Comparing two builds position
    by position, by identity in C, finds the few that changed without looking at the rest.
    """

    outputs: tuple[Output, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)
    html_pages: int = 0

    @classmethod
    def of(cls, outputs: Sequence[Output]) -> OutputTable:
        files = {o.path: o.data for o in outputs}
        return cls(tuple(outputs), files, sum(1 for path in files if path.endswith(".html")))

    def next(self, outputs: Sequence[Output]) -> tuple[OutputTable, Changes | None]:
        """The table of `outputs`, and what changed since this one (None: not known, compare whole).

        Files keep their positions from build to build, but for those named after their
        contents (the search index's fragments): a position holding another path is that
        path gone and the other come.
        """
        outputs = tuple(outputs)  # runs are compared as tuples: a list never equals a tuple
        if len(outputs) != len(self.outputs) or len(self.files) != len(self.outputs):
            return OutputTable.of(outputs), None
        fresh, gone = [], set()
        for i in differing(self.outputs, outputs):
            new, old = outputs[i], self.outputs[i]
            if new.path != old.path:
                gone.add(old.path)
                fresh.append(new)
            elif new.data != old.data:
                fresh.append(new)
        if not fresh:
            return OutputTable(outputs, self.files, self.html_pages), Changes([], set())
        # A new dict: a published snapshot's files never change under it. Without holes from
        # deletions, so that the next copy of it is one block copy, not an insert per item.
        files = {p: d for p, d in self.files.items() if p not in gone} if gone else dict(self.files)
        files.update((o.path, o.data) for o in fresh)
        if len(files) != len(outputs):  # two outputs share a path now (the checks report it)
            return OutputTable.of(outputs), None
        came = {o.path for o in fresh} - self.files.keys()
        gone -= files.keys()
        html_pages = self.html_pages + sum(p.endswith(".html") for p in came) - sum(p.endswith(".html") for p in gone)
        fresh = [o for o in fresh if self.files.get(o.path) != o.data]  # moved, not changed: not news
        return OutputTable(outputs, files, html_pages), Changes(fresh, gone)

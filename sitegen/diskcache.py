"""The build's memo of pure results, kept on disk between builds in `.sitegen-cache/` (SQLite).

`build_archive` and the project checks memoise rendered bodies and parsed links in a
mapping keyed by *everything the result depends on* (the record itself, the names and
aliases it links to, which pages it asked for and whether they existed, the mention
rule). `DiskMemo` is that
mapping, backed by a file: a key is reduced to a digest of its pickled form plus the
*code version* (a digest of sitegen's own source and the versions of the libraries
that shape the output), so a result is reused only when both the inputs and the code
that produced it are exactly those of the cached run. Anything it cannot digest
deterministically stays in memory only. A damaged or unreadable cache is a cache miss,
never an error: the cache can make a build faster, never different.

Entries a build does not use are dropped once the next build completes (like the
render memo), so the file stays about as large as one site's bodies.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterator, MutableMapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from sitegen.config import Config
from sitegen.diagnostics import Diagnostic
from sitegen.render import Output
from sitegen.search import index_outputs

Index = tuple[list[Output], list[Diagnostic]]

CACHE_DIR = ".sitegen-cache"
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "Pygments", "PyYAML", "Jinja2", "MarkupSafe", "mdurl",
             "pagefind-bin", "cbor2")


@lru_cache(maxsize=1)
def code_version() -> bytes:
    """Digest of every source file of sitegen and the versions of the libraries it renders with."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(sys.version.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            hasher.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{name} missing".encode())
    return hasher.digest()


class _SetToken:
    """Stands for a set inside a key: a set pickles in hash order, which varies from run to run."""

    def __init__(self, digest: bytes) -> None:
        self.digest = digest

    def __reduce__(self) -> tuple[type[_SetToken], tuple[bytes]]:
        return _SetToken, (self.digest,)


class _KeyPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=5)
        # No memo: shared and merely equal objects must pickle alike (identity varies by run).
        self.fast = True


class DiskMemo(MutableMapping[object, object]):
    """A memo dict whose entries also live in `<root>/.sitegen-cache/memo.sqlite`."""

    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_DIR / "memo.sqlite"
        self._memory: dict[object, object] = {}
        self._digests: dict[int, tuple[object, bytes | None]] = {}
        self._sets: dict[int, tuple[object, _SetToken]] = {}
        self._new: dict[bytes, bytes] = {}
        self._used: set[bytes] = set()
        self._db: sqlite3.Connection | None = None
        self.hits = self.misses = 0

    # -- the mapping: memory first, then disk
    def __contains__(self, key: object) -> bool:
        if key in self._memory:
            return True
        digest = self._digest(key)
        if digest is None:
            return False
        value = self._load(digest)
        if value is _MISSING:
            self.misses += 1
            return False
        self.hits += 1
        self._memory[key] = value
        return True

    def __getitem__(self, key: object) -> object:
        if key not in self:
            raise KeyError(key)
        return self._memory[key]

    def __setitem__(self, key: object, value: object) -> None:
        self._memory[key] = value
        digest = self._digest(key)
        if digest is not None:
            try:
                self._new[digest] = pickle.dumps(value, protocol=5)
                self._used.add(digest)
            except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
                pass  # not storable: it stays a memory-only entry

    def __delitem__(self, key: object) -> None:
        del self._memory[key]

    def __iter__(self) -> Iterator[object]:
        return iter(self._memory)

    def __len__(self) -> int:
        return len(self._memory)

    def clear(self) -> None:
        self._memory.clear()
        self._digests.clear()
        self._sets.clear()

    # -- persistence
    def _digest(self, key: object) -> bytes | None:
        known = self._digests.get(id(key))
        if known is not None and known[0] is key:
            return known[1]
        buffer = io.BytesIO()
        buffer.write(code_version())
        try:
            _KeyPickler(buffer).dump(self._canonical(key))
            digest: bytes | None = hashlib.blake2b(buffer.getvalue(), digest_size=20).digest()
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            digest = None
        self._digests[id(key)] = (key, digest)
        return digest

    def _canonical(self, value: object) -> object:
        """The key with every set (in tuples and lists) replaced by a digest of its sorted items."""
        if isinstance(value, tuple | list):
            return type(value)(self._canonical(item) for item in value)
        if not isinstance(value, set | frozenset):
            return value
        known = self._sets.get(id(value))
        if known is None or known[0] is not value:
            items = io.BytesIO()
            # sorted() raises TypeError for unorderable items: then the key stays memory-only.
            _KeyPickler(items).dump(sorted(self._canonical(item) for item in value))
            token = _SetToken(hashlib.blake2b(items.getvalue(), digest_size=20).digest())
            known = (value, token)  # holding the set keeps its id from being reused this build
            self._sets[id(value)] = known
        return known[1]

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                gitignore = self.path.parent / ".gitignore"
                if not gitignore.exists():
                    gitignore.write_text("# sitegen's build cache: safe to delete\n*\n")
                # The search index is remembered from the thread that builds it; uses never overlap.
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                db.execute("create table if not exists memo (digest blob primary key, value blob)")
                self._db = db
            except (OSError, sqlite3.Error):
                return None
        return self._db

    def _load(self, digest: bytes) -> object:
        db = self._connect()
        if db is None:
            return _MISSING
        try:
            row = db.execute("select value from memo where digest = ?", (digest,)).fetchone()
            value = _MISSING if row is None else pickle.loads(row[0])
        except Exception:  # a damaged file or entry: recompute rather than trust it
            return _MISSING
        self._used.add(digest)
        return value

    def save(self) -> None:
        """Write this build's new entries and forget the ones it did not use."""
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("insert or replace into memo values (?, ?)", self._new.items())
                db.execute("create temporary table if not exists used (digest blob primary key)")
                db.execute("delete from used")
                db.executemany("insert or ignore into used values (?)", ((d,) for d in self._used))
                db.execute("delete from memo where digest not in (select digest from used)")
        except sqlite3.Error:
            return
        self._new.clear()
        self._used.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_MISSING = object()


def remembered_search_index(memo: DiskMemo,
                            index: Callable[[list[Output], Config], Index] = index_outputs,
                            ) -> Callable[[list[Output], Config], Index]:
    """The search index hook of BuildCache, remembering Pagefind's bundle in the memo.

    The bundle is a function of the pages it indexes and the configuration, so a rebuild
    whose pages are byte-for-byte those of the last build reuses it instead of re-indexing.
    """
    def in_parts(pages: list[Output], config: Config,
                 ) -> tuple[Index | None, Callable[[], Index], Callable[[Index], Index]]:
        """(the remembered index or None, how to build it, how to remember it): the build may
        build it in another process, but only this one may write to the memo."""
        hasher = hashlib.blake2b(digest_size=20)
        for page in pages:
            hasher.update(len(page.path).to_bytes(8, "little") + page.path.encode())
            hasher.update(len(page.data).to_bytes(8, "little") + page.data)
        key = ("search-index", config, hasher.digest())
        if key in memo:
            outputs, problems = memo[key]  # type: ignore[misc]
            return (list(outputs), list(problems)), lambda: index(pages, config), lambda built: built

        def remember(built: Index) -> Index:
            if not built[1]:  # a failed run is retried by the next build
                memo[key] = built
            return built
        return None, lambda: index(pages, config), remember

    def search_index(pages: list[Output], config: Config) -> Index:
        known, build, remember = in_parts(pages, config)
        return known if known is not None else remember(build())
    search_index.in_parts = in_parts  # type: ignore[attr-defined]
    return search_index

"""Names that become paths: what makes a slug or file name safe on every file system and URL."""

from __future__ import annotations

import re
import unicodedata
from itertools import compress
from operator import attrgetter, is_not
from typing import TYPE_CHECKING

from sitegen.reuse import Reuse, reuse_or_compute

if TYPE_CHECKING:
    from sitegen.render import Output

_path = attrgetter("path")

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A slug: lower-case ASCII letters and digits in words joined by single hyphens."""

RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                      *(f"com{n}" for n in "123456789¹²³"), *(f"lpt{n}" for n in "123456789¹²³")})
"""Windows device names: a file or folder named so (with any extension) cannot be created."""

_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = set("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060\u2061\u2062"
                 "\u2063\u2064\ufeff\u3164\uffa0")
_WINDOWS_FORBIDDEN = set('<>:"|?*')


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def unsafe_character(text: str) -> str:
    """Why `text` cannot be part of a path anyone can check out, or '' if it can."""
    for ch in text:
        if ch in ("/", "\\"):
            return f"contains the path separator '{ch}'"
        if ch in _BIDI:
            return f"contains the bidirectional control character {_char_name(ch)}"
        if ch in _INVISIBLE:
            return f"contains the invisible character {_char_name(ch)}"
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return f"contains the control or unassigned character {_char_name(ch)}"
        if ch in _WINDOWS_FORBIDDEN:
            return f"contains '{ch}', which Windows does not allow in file names"
    return ""


def file_name_problem(name: str) -> str:
    """Why a file name cannot be published as is on every system, or '' if it can."""
    if name in ("", ".", ".."):
        return f"'{name}' is not a file name"
    found = unsafe_character(name)
    if found:
        return found
    if name.endswith((".", " ")) or name.startswith(" "):
        return "starts or ends with a space or a dot, which Windows drops"
    if name.split(".", 1)[0].casefold() in RESERVED:
        return f"is named after '{name.split('.', 1)[0]}', a reserved device name on Windows"
    return ""


def slug_problem(slug: str) -> tuple[str, str]:
    """(code, explanation) of what is wrong with a slug, or ('', '') if nothing is."""
    if SLUG.fullmatch(slug):
        if slug in RESERVED:
            return "slug-reserved", f"'{slug}' is a reserved device name on Windows"
        return "", ""
    if slug in ("", ".", ".."):
        return "slug-invalid", f"'{slug}' is not a slug"
    found = unsafe_character(slug)
    if found:
        return "slug-invalid", f"'{printable(slug)}' {found}"
    if any(ch.isupper() for ch in slug):
        return "slug-invalid", f"'{slug}' has upper-case letters"
    if not slug.isascii():
        return "slug-invalid", f"'{slug}' has letters outside ASCII a–z"
    if "--" in slug or slug.startswith("-") or slug.endswith("-"):
        return "slug-invalid", f"'{slug}' has a leading, trailing or double hyphen"
    bad = sorted({ch for ch in slug if not (ch.isalnum() or ch == "-")})
    return "slug-invalid", f"'{slug}' contains {', '.join(repr(ch) for ch in bad)}"


def printable(text: str) -> str:
    """Text with invisible and control characters shown as \\u escapes, for messages."""
    return "".join(ch if ch.isprintable() and ch not in _BIDI | _INVISIBLE else f"\\u{ord(ch):04x}"
                   for ch in text)


def fold_path(path: str) -> str:
    """The form under which two paths name the same file on a case-insensitive or
    Unicode-normalising file system (macOS, Windows): both normalisations, casefolded.

    NFKC comes first too, so compatibility characters that become letters with a case
    ('𝙰' -> 'A') are casefolded as well and folding a folded path changes nothing."""
    if path.isascii():
        return path.lower()  # what the normalisations leave of ASCII, at a tenth of their cost
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", path).casefold())


Collision = tuple[str, str, str]
"""(kind, path, other): 'file' when two outputs fold to one name, 'folder' when one is the other's folder."""


def path_collisions(paths: tuple[str, ...]) -> tuple[Collision, ...]:
    """Every clash among the output paths, in output order (files first, then folders): pure in them."""
    found = []
    first: dict[str, int] = {}
    folded = [fold_path(path) for path in paths]
    for index, (path, key) in enumerate(zip(paths, folded, strict=True)):
        other = first.setdefault(key, index)
        if other != index:
            found.append(("file", path, paths[other]))
    folders: dict[str, str] = {}
    for path in paths:
        end = path.find("/")
        while end >= 0:
            folders[fold_path(path[:end])] = path  # the last output under a folder names it
            end = path.find("/", end + 1)
    for path, key in zip(paths, folded, strict=True):
        inside = folders.get(key)
        if inside is not None:
            found.append(("folder", path, inside))
    return tuple(found)


def output_paths(outputs: list[Output], reuse: Reuse | None) -> tuple[tuple[Collision, ...], frozenset[str], object]:
    """The outputs' collisions and set of paths, pure in their paths (and a token of those paths)."""
    if reuse is not None:
        # Most outputs are the previous build's very objects: only the others' paths are compared.
        before = reuse.kept(("checks", "outputs"), ())
        if before is not None and len(before[0]) == len(outputs):
            old, found = before
            moved = list(compress(range(len(outputs)), map(is_not, outputs, old)))
            if list(map(_path, map(outputs.__getitem__, moved))) == list(map(_path, map(old.__getitem__, moved))):
                reuse.keep(("checks", "outputs"), (), (outputs, found))
                return found  # type: ignore[no-any-return]
    paths = tuple(map(_path, outputs))
    found = reuse_or_compute(reuse, ("checks", "output-paths"), (paths,),
                             lambda: (path_collisions(paths), frozenset(paths), object()))
    if reuse is not None:
        reuse.keep(("checks", "outputs"), (), (outputs, found))
    return found

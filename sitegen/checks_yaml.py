"""Front-matter text refused before any YAML parser composes it: too deep, or odd characters.

Composers recurse once per nesting level: PyYAML's pure-Python one raises RecursionError
after a few hundred levels, libyaml's crashes the interpreter after some tens of thousands,
and PyYAML's scanner slows down quadratically with flow nesting. So depth is measured
first, from the event stream (which both parsers produce iteratively), and only when a
cheap upper bound says it could be too deep.
"""

from __future__ import annotations

import re
import unicodedata

import yaml

from sitegen.diagnostics import Diagnostic, error

_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_YAML_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
"""YAML 1.1 reads these as line breaks: quoted text would change and line numbers shift."""
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML does not allow anywhere (the reader's own test)."""


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth: every level opens with a bracket, a deeper
    indentation, or an indicator ('- ', '? ', ': ') on the line where it starts."""
    per_line = max((len(line) - len(line.lstrip(" ")) + line.count("- ") + line.count("? ") + line.count(": ")
                    for line in text.split("\n")), default=0)
    return text.count("[") + text.count("{") + per_line + 1


def nesting_problem(text: str, path: str, line_offset: int, max_depth: int) -> Diagnostic | None:
    """yaml-too-deep at the first collection nested deeper than max_depth, if any."""
    if _depth_bound(text) <= max_depth:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_EVENT_LOADER):
            if isinstance(event, _OPENS):
                depth += 1
                if depth > max_depth:
                    mark = event.start_mark
                    return error(path, mark.line + line_offset, mark.column + 1, "yaml-too-deep",
                                 f"front matter nested deeper than {max_depth} levels",
                                 "annotations are a few levels deep; this looks like generated or damaged text")
            elif isinstance(event, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        return None  # a syntax error: reported, with its position, when the text is composed
    return None


def _where(text: str, index: int, line_offset: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + line_offset, index - (text.rfind("\n", 0, index) + 1) + 1


def character_problem(text: str, path: str, line_offset: int) -> Diagnostic | None:
    """yaml-character at the first character YAML refuses or would read as a line break."""
    found = _NOT_YAML.search(text) or _YAML_LINE_BREAKS.search(text)
    if not found:
        return None
    char = found.group()
    name = f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"
    line, col = _where(text, found.start(), line_offset)
    if _YAML_LINE_BREAKS.match(char):
        return error(path, line, col, "yaml-character",
                     f"{name} in front matter: YAML reads it as a line break",
                     'replace it with a space; inside "double quotes" it can be written as '
                     f"\\u{ord(char):04x}")
    return error(path, line, col, "yaml-character", f"{name} is not allowed in front matter",
                 f'delete it; inside "double quotes" it can be written as \\u{ord(char):04x}')

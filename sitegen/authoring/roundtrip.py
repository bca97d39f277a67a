"""Add list items to a file's front matter in place: every other byte of the file stays as it was.

ruamel.yaml's round-trip parser locates each key, item and flow sequence (with comments
kept), and the new items are spliced into the text at those places. Re-dumping the whole
mapping with ruamel would be simpler but re-folds long plain scalars and rewrites
`null` and indentation, which would turn a one-line addition into a diff of the whole
file. The result is re-read with sitegen's own loader and must equal the old data plus
exactly the added items, or nothing is written.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from sitegen.authoring.yamltext import flow_mapping, scalar
from sitegen.frontmatter import load_yaml
from sitegen.schema import SCHEMA


class EditError(Exception):
    """The front matter cannot be edited safely (unparsable, or an unexpected shape)."""


@dataclass(frozen=True, slots=True)
class Addition:
    field: str
    value: Any
    """A scalar (slug) or a flat mapping (quote, event reference)."""
    comment: str = ""


def _split(text: str) -> tuple[list[str], int]:
    """The file's lines (with their endings) and the index of the closing `---` line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip(" \t") != "---":
        raise EditError("the file does not start with front matter ('---')")
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip(" \t") == "---":
            return lines, index
    raise EditError("the front matter is never closed with '---'")


def _item_text(value: Any, indent: str, offset: int, comment: str, newline: str) -> list[str]:
    pad = " " * max(offset - 2, 0)
    tail = f"  # {comment}" if comment else ""
    if isinstance(value, dict):
        first, *rest = value.items()
        lines = [f"{indent}- {pad}{first[0]}: {scalar(first[1])}{tail}{newline}"]
        lines += [f"{indent}{' ' * offset}{k}: {scalar(v)}{newline}" for k, v in rest]
        return lines
    return [f"{indent}- {pad}{scalar(value)}{tail}{newline}"]


def _flow_item(value: Any) -> str:
    return flow_mapping(value) if isinstance(value, dict) else scalar(value)


def _closing_bracket(yaml_lines: list[str], line: int, col: int) -> tuple[int, int]:
    """(line, column) of the `]` closing the flow sequence whose `[` is at (line, col)."""
    depth, quote = 0, ""
    for number in range(line, len(yaml_lines)):
        text = yaml_lines[number]
        start = col if number == line else 0
        index = start
        while index < len(text):
            char = text[index]
            if quote:
                if char == "\\" and quote == '"':
                    index += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "#" and (index == 0 or text[index - 1] in " \t"):
                break
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return number, index
            index += 1
    raise EditError("unclosed flow sequence")


def _block_end(yaml_lines: list[str], data: CommentedMap, key: str) -> int:
    """Index of the line after the last line belonging to `key`'s block value."""
    keys = list(data)
    after = keys[keys.index(key) + 1:]
    end = data.lc.key(after[0])[0] if after else len(yaml_lines)
    while end > data.lc.key(key)[0] + 1:
        previous = yaml_lines[end - 1]
        stripped = previous.strip()
        if not stripped or (stripped.startswith("#") and not previous[:1].isspace()):
            end -= 1  # blank lines and column-0 comments belong to what follows
            continue
        break
    return end


def _dash_layout(yaml_lines: list[str], seq: CommentedSeq) -> tuple[str, int]:
    """Indentation of the sequence's dashes, and how far the item text sits from its dash."""
    line, col = seq.lc.item(0)
    text = yaml_lines[line]
    dash = text.rfind("-", 0, col)
    if dash < 0:
        raise EditError("unexpected block sequence layout")
    return text[:dash], col - dash


def _insert_point(yaml_lines: list[str], data: CommentedMap, field: str, collection: str) -> int:
    """Where a missing top-level field goes: before the next field of the schema that is present."""
    order = [spec.name for spec in SCHEMA[collection]]
    later = [k for k in order[order.index(field) + 1:] if k in data] if field in order else []
    if not later:
        return len(yaml_lines)
    point = min(data.lc.key(k)[0] for k in later)
    while point > 0 and yaml_lines[point - 1].lstrip().startswith("#"):
        point -= 1  # keep a comment above a field with its field
    return point


def apply_additions(text: str, additions: list[Addition], collection: str = "articles") -> str:
    """The file's text with the items appended to their fields' lists; body and all else unchanged."""
    if not additions:
        return text
    lines, close = _split(text)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    yaml_lines = lines[1:close]
    yaml_text = "".join(yaml_lines)
    try:
        data = YAML(typ="rt").load(io.StringIO(yaml_text))
    except Exception as exc:  # ruamel raises many error types; any of them means "leave it alone"
        raise EditError(f"front matter is not valid YAML: {exc}") from exc
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise EditError("front matter is not a mapping")
    by_field: dict[str, list[Addition]] = {}
    for addition in additions:
        by_field.setdefault(addition.field, []).append(addition)

    # Edits are applied bottom-up so earlier line numbers stay valid.
    # (line, col, remove_chars, insert, rank): at one position, a new field (rank 1) is inserted
    # first so that items appended to the field above it land above it.
    edits: list[tuple[int, int, int, list[str], int]] = []
    for field, items in by_field.items():
        value = data.get(field)
        if field not in data:
            block = [f"{field}:{newline}"]
            for item in items:
                block += _item_text(item.value, "  ", 2, item.comment, newline)
            edits.append((_insert_point(yaml_lines, data, field, collection), 0, 0, block, 1))
        elif isinstance(value, CommentedSeq) and value.fa.flow_style():
            line, col = value.lc.line, value.lc.col
            end_line, end_col = _closing_bracket(yaml_lines, line, col)
            inner = yaml_lines[end_line][:end_col].rstrip()
            sep = "" if len(value) == 0 else ", "
            if inner.endswith(","):
                sep = " "
            piece = sep + ", ".join(_flow_item(i.value) for i in items)
            edits.append((end_line, len(inner), 0, [piece], 0))
        elif isinstance(value, CommentedSeq) and len(value):
            indent, offset = _dash_layout(yaml_lines, value)
            block = [line for item in items for line in _item_text(item.value, indent, offset,
                                                                      item.comment, newline)]
            edits.append((_block_end(yaml_lines, data, field), 0, 0, block, 0))
        elif value is None or (isinstance(value, CommentedSeq) and not value):
            key_line = data.lc.key(field)[0]
            text_line = yaml_lines[key_line]
            colon = text_line.index(":", data.lc.key(field)[1]) + 1
            rest = text_line[colon:]
            token = rest.split("#", 1)[0].strip()
            if token not in ("", "null", "~", "Null", "NULL", "[]"):
                raise EditError(f"'{field}' has an unexpected value")
            if token:  # `field: null` / `field: []` becomes `field:` followed by the items
                start = colon + rest.index(token)
                commented = "#" in rest
                # With a comment after it, the token turns into spaces so the comment keeps its column.
                edits.append((key_line, start, len(token), [" " * len(token) if commented else ""], 0))
                if not commented:
                    edits.append((key_line, colon, start - colon, [""], -1))
            block = [line for item in items for line in _item_text(item.value, "  ", 2, item.comment,
                                                                      newline)]
            if not yaml_lines[key_line].endswith(("\n", "\r")):
                block.insert(0, newline)
            edits.append((key_line + 1, 0, 0, block, 0))
        else:
            raise EditError(f"'{field}' is not a list")

    for line, col, remove, insert, _ in sorted(edits, key=lambda e: (e[0], e[1], e[4]), reverse=True):
        if col == 0 and remove == 0 and insert and insert[0].endswith(("\n", "\r\n")):
            yaml_lines[line:line] = insert
        else:
            text_line = yaml_lines[line]
            yaml_lines[line] = text_line[:col] + "".join(insert) + text_line[col + remove:]
    result = lines[0] + "".join(yaml_lines) + "".join(lines[close:])
    _verify(yaml_text, "".join(yaml_lines), by_field)
    return result


def _verify(before: str, after: str, by_field: dict[str, list[Addition]]) -> None:
    old, problems = load_yaml(before, "before")
    new, more = load_yaml(after, "after")
    if old is None or new is None or problems or more:
        raise EditError("the edited front matter does not parse: " + "; ".join(
            p.message for p in [*problems, *more]))
    expected = copy.deepcopy(old.data)
    for field, items in by_field.items():
        current = expected.get(field)
        expected[field] = (current if isinstance(current, list) else []) + [i.value for i in items]
    if new.data != expected:
        raise EditError("the edit would change more than the added items; the file is left alone")

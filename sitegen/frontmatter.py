"""Split a content file into YAML front matter and body, and load the YAML with positions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from sitegen.checks_yaml import character_problem, nesting_problem
from sitegen.diagnostics import Diagnostic, error

MAX_DEPTH = 32
"""Deeper front matter is refused: real annotations are a few levels deep."""

YamlPath = tuple[str | int, ...]
_FENCE = re.compile(r"^---[ \t]*$")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, object]
    value_at: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    """(line, column) in the file of the value at each path, e.g. ("people", 2)."""
    key_at: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    """(line, column) in the file of the key naming each mapping entry."""

    def position(self, path: YamlPath) -> tuple[int, int]:
        """Where the value at path is, falling back to its key, then to its nearest parent."""
        while path:
            if path in self.value_at:
                return self.value_at[path]
            if path in self.key_at:
                return self.key_at[path]
            path = path[:-1]
        return (1, 1)


@dataclass(frozen=True, slots=True)
class SplitFile:
    yaml_text: str
    yaml_line: int
    """File line number of the first YAML line."""
    body: str
    body_line: int
    """File line number of the first body line."""


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    """Find the `---` fenced YAML block at the top of a file (text already newline-normalised)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, [error(path, 1, 1, "file-empty", "the file is empty",
                            "a content file starts with a '---' line, YAML front matter and '---'")]
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        return None, [error(path, 1, 1, "frontmatter-missing",
                            "the file does not start with front matter ('---')",
                            "put the YAML fields between two '---' lines at the top of the file")]
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return SplitFile(yaml_text, 2, body, index + 2), []
    ended = "'...' ends a YAML document, but front matter ends with '---'" if "..." in lines else ""
    return None, [error(path, 1, 1, "frontmatter-unclosed",
                        "the front matter starting here is never closed",
                        ended or "add a line with just '---' after the last YAML field")]


class _Loader(yaml.SafeLoader):
    """Safe loader; we turn its nodes into values ourselves to keep positions."""


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                        for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge"))
"""Tags a plain value resolves to; any other (explicit) tag is refused, never constructed."""


_CLoader = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser, ~14x faster; used only where it provably agrees with _Loader."""
_NOT_FAST = re.compile(r"[\t!?%@`\ufeff\x85\u2028\u2029\x00-\x08\x0b-\x1f\x7f-\x9f\r]"
                       r"|---|\.\.\.|[|>][-+0-9]*#")
"""Text on which libyaml and the pure-Python parser can disagree (tags, complex keys,
directives, reserved and control characters, document markers, block-scalar headers
followed by a comment), found by differential fuzzing: tests/test_cache_fastpaths.py."""
_SLOW = object()


def _empty_in_flow(node: yaml.Node, in_flow: bool = False) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return in_flow and node.value == "" and not node.style
    in_flow = in_flow or bool(node.flow_style)
    if isinstance(node, yaml.SequenceNode):
        return any(_empty_in_flow(item, in_flow) for item in node.value)
    return any(_empty_in_flow(k, in_flow) or _empty_in_flow(v, in_flow) for k, v in node.value)


def _compose_fast(text: str) -> object:
    """The node tree from libyaml when it is certain to equal _Loader's, else _SLOW."""
    if _CLoader is None or _NOT_FAST.search(text):
        return _SLOW
    try:
        node = yaml.compose(text, Loader=_CLoader)
    except Exception:  # any disagreement, errors included, is settled by the pure-Python parser
        return _SLOW
    if node is not None and _empty_in_flow(node):
        return _SLOW  # libyaml places the empty value of `[a: ]` one column later
    return node


def _scalar(node: yaml.ScalarNode) -> object:
    # YAML 1.1 turns yes/no/on/off, 1:20 and 2015-11-30 into booleans, sexagesimals and
    # dates; for an archive these are text, so only true/false/null and plain numbers convert.
    value = node.value
    tag = node.tag
    if node.style is not None and node.style != "":  # quoted or block scalar: always text
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return {"true": True, "false": False}.get(value.lower(), value)
    if tag == "tag:yaml.org,2002:int":
        if re.fullmatch(r"[-+]?(0|[1-9][0-9_]*)", value):
            return int(value.replace("_", ""))
        return value
    if tag == "tag:yaml.org,2002:float":
        if re.fullmatch(r"[-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?", value):
            return float(value.replace("_", ""))
        return value
    return value


class _Converter:
    def __init__(self, path: str, line_offset: int) -> None:
        self.path = path
        self.offset = line_offset
        self.value_at: dict[YamlPath, tuple[int, int]] = {}
        self.key_at: dict[YamlPath, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []

    def where(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + self.offset, node.start_mark.column + 1

    def convert(self, node: yaml.Node, at: YamlPath) -> object:
        self.value_at[at] = self.where(node)
        if len(at) > MAX_DEPTH:
            line, col = self.where(node)
            self.problems.append(error(self.path, line, col, "yaml-too-deep",
                                       f"front matter nested deeper than {MAX_DEPTH} levels"))
            return None
        if node.tag not in _PLAIN_TAGS:  # explicit tags such as !!python/object or !!binary
            line, col = self.where(node)
            self.problems.append(error(self.path, line, col, "yaml-tag",
                                       f"YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
                                       "remove the '!' tag; front matter holds plain values"))
            return None
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*at, i)) for i, item in enumerate(node.value)]
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line, col = self.where(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(error(self.path, line, col, "yaml-key", "keys must be plain text"))
                continue
            key = str(key_node.value)
            if key in result:
                self.problems.append(error(self.path, line, col, "yaml-duplicate-key",
                                           f"duplicate key '{key}'",
                                           "a key may appear once; the earlier value would be lost"))
                continue
            self.key_at[(*at, key)] = (line, col)
            result[key] = self.convert(value_node, (*at, key))
        return result


def _reject_aliases(text: str, path: str, line_offset: int) -> list[Diagnostic]:
    # Aliases are refused before composing: an alias bomb expands exponentially, and
    # hand-written annotations have no use for them.
    problems = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                problems.append(error(path, mark.line + line_offset, mark.column + 1, "yaml-alias",
                                      "YAML anchors and aliases (&name, *name) are not allowed",
                                      "write the value out in full"))
                break
    except yaml.YAMLError:
        pass  # reported with its position by load_yaml
    return problems


def load_yaml(text: str, path: str, line_offset: int = 1) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Parse front-matter YAML into plain values, recording the position of every value."""
    return _load_yaml(text, path, line_offset, fast=True)


def _load_yaml(text: str, path: str, line_offset: int, fast: bool) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """fast=False is the plain pure-Python reading, which the fast one always equals (tested)."""
    if "\t" in text:
        for number, line in enumerate(text.split("\n")):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent]:
                return None, [error(path, number + line_offset, line.index("\t") + 1, "yaml-tab",
                                    "a tab is used for indentation", "indent YAML with spaces")]
    refused = character_problem(text, path, line_offset) or nesting_problem(text, path, line_offset, MAX_DEPTH)
    if refused:
        return None, [refused]
    # Anchors start with '&' and aliases with '*': without either there is nothing to refuse.
    problems = _reject_aliases(text, path, line_offset) if not fast or "&" in text or "*" in text else []
    if problems:
        return None, problems
    try:
        node = _compose_fast(text) if fast else _SLOW
        if node is _SLOW:
            node = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # nesting_problem measures depth first; this is the last line of defence
        return None, [error(path, line_offset, 1, "yaml-too-deep",
                            f"front matter nested deeper than {MAX_DEPTH} levels")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + line_offset, mark.column + 1) if mark else (line_offset, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        opened = getattr(exc, "context_mark", None)
        if opened and ("end of stream" in problem or "<stream end>" in problem):
            # Running off the end means something opened earlier is never closed: point at it.
            line, col = opened.line + line_offset, opened.column + 1
            what = re.sub(r"^while (parsing|scanning) an? ", "", context or "")
            what = {"flow sequence": "the [list]", "flow mapping": "the {mapping}",
                    "quoted scalar": "the quoted text"}.get(what, what or "something")
            problem = f"{what} starting here is never closed"
            context = None
        if "'\\t'" in problem:  # a tab after a ':' or '-', where YAML wants a space
            return None, [error(path, line, col, "yaml-tab", "a tab is not allowed here", "use spaces in YAML")]
        message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
        return None, [error(path, line, col, "yaml-syntax", message)]
    if node is None:
        return FrontMatter({}), []
    if not isinstance(node, yaml.MappingNode):
        line, col = node.start_mark.line + line_offset, node.start_mark.column + 1
        return None, [error(path, line, col, "frontmatter-not-mapping",
                            "front matter must be a mapping of 'key: value' lines")]
    converter = _Converter(path, line_offset)
    data = converter.convert(node, ())
    if not isinstance(data, dict):  # a tagged root mapping ('!x' on the first line): reported by convert
        return None, converter.problems
    return FrontMatter(data, converter.value_at, converter.key_at), converter.problems

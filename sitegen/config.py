"""The site configuration: one validated, frozen object read from `sitegen.toml`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from sitegen.diagnostics import Diagnostic, did_you_mean, error
from sitegen.schema import REMOVED_KINDS

CONFIG_NAME = "sitegen.toml"
MENTION_RULES = ("every", "first-in-paragraph", "first-in-article", "none")


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    """The project folder (holding sitegen.toml and content/)."""
    title: str = "Archive"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    """Canonical address of the published site; its path may be a sub-path."""
    language: str = "en"
    theme: str = "default"
    output_dir: str = "public"
    mention_link: str = "first-in-paragraph"
    """Which occurrences of a referenced entity become links: one of MENTION_RULES."""
    search_enabled: bool = True
    """[search] enabled: build the Pagefind full-text index and the search page."""
    search_index_notes: bool = False
    """[search] index_notes: notes are not the archived text, so by default they are not searchable."""
    search_index_drafts: bool = False
    """[search] index_drafts: drafts built with --drafts stay out of the index unless asked for."""
    import_boilerplate: tuple[tuple[str, str], ...] = ()
    """[import] boilerplate: (regex, removed kind) rules `sitegen import` tries before its own."""

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_path(self) -> Path:
        return (self.root / self.output_dir).resolve()

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @classmethod
    def for_tests(cls, root: Path, **overrides: object) -> Config:
        return replace(cls(root=root), **overrides)  # type: ignore[arg-type]


_SEARCH_KEYS = {"enabled": "search_enabled", "index_notes": "search_index_notes",
                "index_drafts": "search_index_drafts"}
_TOP_KEYS = {f.name for f in fields(Config)} - {"root", "mention_link", *_SEARCH_KEYS.values()} \
    - {"import_boilerplate"} | {"mentions", "search", "import"}
_MENTION_KEYS = {"link"}


def _key_position(text: str, key: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(rf"\s*({re.escape(key)})\s*=", line)
        if match:
            return number, match.start(1) + 1
    return 1, 1


def _parse_search(text: str, path: str, line: int, col: int, table: object,
                  values: dict[str, object]) -> list[Diagnostic]:
    if not isinstance(table, dict):
        return [error(path, line, col, "config-type", "'search' must be a table")]
    problems = []
    for sub, subvalue in table.items():
        sline, scol = _key_position(text, sub)
        if sub not in _SEARCH_KEYS:
            problems.append(error(path, sline, scol, "config-unknown-key",
                                  f"unknown key 'search.{sub}'", did_you_mean(sub, _SEARCH_KEYS)))
        elif not isinstance(subvalue, bool):
            problems.append(error(path, sline, scol, "config-type",
                                  f"search.{sub} must be true or false"))
        else:
            values[_SEARCH_KEYS[sub]] = subvalue
    return problems


def _parse_import(text: str, path: str, line: int, col: int, table: object,
                  values: dict[str, object]) -> list[Diagnostic]:
    """[import] boilerplate = ["regex", {pattern = "regex", kind = "credit"}]; a bare regex is 'ui'."""
    if not isinstance(table, dict):
        return [error(path, line, col, "config-type", "'import' must be a table")]
    problems, rules = [], []
    for sub, subvalue in table.items():
        sline, scol = _key_position(text, sub)
        if sub != "boilerplate":
            problems.append(error(path, sline, scol, "config-unknown-key",
                                  f"unknown key 'import.{sub}'", did_you_mean(sub, ["boilerplate"])))
            continue
        for item in subvalue if isinstance(subvalue, list) else [None]:
            rule = {"pattern": item, "kind": "ui"} if isinstance(item, str) else item
            if not isinstance(rule, dict) or set(rule) - {"pattern", "kind"} or \
                    not isinstance(rule.get("pattern"), str):
                problems.append(error(path, sline, scol, "config-type",
                                      "import.boilerplate must be a list of regexes or "
                                      "{pattern = \"…\", kind = \"…\"} tables"))
                continue
            if rule.get("kind", "ui") not in REMOVED_KINDS:
                problems.append(error(path, sline, scol, "config-value",
                                      "import.boilerplate kind must be one of "
                                      + ", ".join(REMOVED_KINDS),
                                      did_you_mean(str(rule.get("kind")), REMOVED_KINDS)))
                continue
            try:
                re.compile(rule["pattern"])
            except re.error as exc:
                problems.append(error(path, sline, scol, "config-value",
                                      f"import.boilerplate pattern {rule['pattern']!r} "
                                      f"is not a regex: {exc}"))
                continue
            rules.append((rule["pattern"], rule.get("kind", "ui")))
    values["import_boilerplate"] = tuple(rules)
    return problems


def parse_config(text: str, root: Path, path: str = CONFIG_NAME) -> tuple[Config, list[Diagnostic]]:
    """Validate the text of sitegen.toml; unknown keys and wrong types are errors."""
    problems: list[Diagnostic] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(match[1]), int(match[2])) if match else (1, 1)
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        return Config(root=root), [error(path, line, col, "config-syntax", f"invalid TOML: {message}")]

    values: dict[str, object] = {}
    for key, value in data.items():
        line, col = _key_position(text, key)
        if key not in _TOP_KEYS:
            problems.append(error(path, line, col, "config-unknown-key", f"unknown key '{key}'",
                                  did_you_mean(key, _TOP_KEYS)))
        elif key == "mentions":
            if not isinstance(value, dict):
                problems.append(error(path, line, col, "config-type", "'mentions' must be a table"))
                continue
            for sub, subvalue in value.items():
                sline, scol = _key_position(text, sub)
                if sub not in _MENTION_KEYS:
                    problems.append(error(path, sline, scol, "config-unknown-key",
                                          f"unknown key 'mentions.{sub}'",
                                          did_you_mean(sub, _MENTION_KEYS)))
                elif subvalue not in MENTION_RULES:
                    problems.append(error(path, sline, scol, "config-value",
                                          f"mentions.link must be one of {', '.join(MENTION_RULES)}"))
                else:
                    values["mention_link"] = subvalue
        elif key == "search":
            problems += _parse_search(text, path, line, col, value, values)
        elif key == "import":
            problems += _parse_import(text, path, line, col, value, values)
        elif not isinstance(value, str):
            problems.append(error(path, line, col, "config-type", f"'{key}' must be a string"))
        else:
            values[key] = value

    # Defaults come from an instance: with slots=True, Config.base_url is a slot descriptor.
    defaults = Config(root=root)
    base_url = str(values.get("base_url", defaults.base_url))
    if urlsplit(base_url).scheme not in ("http", "https"):
        line, col = _key_position(text, "base_url")
        problems.append(error(path, line, col, "config-value",
                              "base_url must be an absolute http(s) address",
                              "for example base_url = \"https://example.org/archive/\""))
        values.pop("base_url", None)
    output_dir = str(values.get("output_dir", defaults.output_dir))
    if not output_dir.strip() or Path(output_dir).is_absolute() or ".." in Path(output_dir).parts:
        line, col = _key_position(text, "output_dir")
        problems.append(error(path, line, col, "config-value",
                              "output_dir must be a relative folder inside the project",
                              "use the --output option for a folder elsewhere"))
        values.pop("output_dir", None)
    if re.search(r"[/\\]|^\.", str(values.get("theme", "default"))):
        line, col = _key_position(text, "theme")
        problems.append(error(path, line, col, "config-value", "theme must be a folder name in themes/"))
        values.pop("theme", None)
    return Config(root=root, **values), problems  # type: ignore[arg-type]


MISSING = "config-missing"


def config_missing(problems: Iterable[Diagnostic]) -> bool:
    """True when load_config found no sitegen.toml: a usage error for every command that needs a project."""
    return any(p.code == MISSING for p in problems)


def project_config(root: Path, err: TextIO) -> Config | None:
    """load_config for a command that works on a project: None, once it printed why, when
    there is no sitegen.toml (other problems are the build's to report)."""
    config, problems = load_config(root)
    if config_missing(problems):
        for problem in problems:
            print(problem.format(), file=err)
        return None
    return config


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read sitegen.toml from the project root; a missing file means all defaults."""
    config_file = root / CONFIG_NAME
    if not config_file.is_file():
        return Config(root=root), [error(CONFIG_NAME, 0, 0, MISSING,
                                         f"no {CONFIG_NAME} in {root}",
                                         "run sitegen in the project folder, or pass --root")]
    try:
        text = config_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Config(root=root), [error(CONFIG_NAME, 0, 0, "encoding",
                                         f"not UTF-8 (byte offset {exc.start})")]
    return parse_config(text, root)

"""sitegen.toml: defaults, strictness about unknown keys, located errors."""

from __future__ import annotations

from pathlib import Path

from sitegen.config import parse_config


def test_every_key_is_optional() -> None:
    config, problems = parse_config("", Path("/p"))
    assert problems == []
    assert config.base_url == "http://localhost:8000/" and config.output_dir == "public"
    assert config.base_path == "/"


def test_sub_path_base_url() -> None:
    config, problems = parse_config('base_url = "https://example.org/archive"\n', Path("/p"))
    assert not problems and config.base_path == "/archive/"


def test_unknown_keys_are_errors_with_position_and_suggestion() -> None:
    _, problems = parse_config('title = "x"\noutput_directory = "out"\n[mentions]\nlinks = "every"\n', Path("/p"))
    assert [(p.line, p.column, p.code) for p in problems] == [
        (2, 1, "config-unknown-key"), (4, 1, "config-unknown-key")]
    assert problems[0].hint == "did you mean 'output_dir'?"


def test_bad_values_are_explained() -> None:
    text = ('base_url = "ftp://x"\noutput_dir = "../elsewhere"\ntheme = "../x"\ntitle = 3\n'
            '[mentions]\nlink = "sometimes"\n')
    _, problems = parse_config(text, Path("/p"))
    assert {p.line for p in problems} == {1, 2, 3, 4, 6}
    _, syntax = parse_config('title = "unclosed\n', Path("/p"))
    assert syntax[0].code == "config-syntax" and syntax[0].line == 1

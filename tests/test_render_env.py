"""DataEnvironment resolves `a.b` exactly as Jinja's Environment does, only sooner."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, StrictUndefined, Undefined

from sitegen.render import DataEnvironment

NAMES = st.sampled_from(["title", "items", "keys", "get", "values", "update", "__class__", "path", "x"])


def _resolved(env: Environment, obj: object, name: str) -> object:
    value = env.getattr(obj, name)
    return ("undefined", name) if isinstance(value, Undefined) else value


@given(st.dictionaries(NAMES, st.integers()), NAMES)
def test_attribute_lookup_on_dicts_matches_jinja(data: dict[str, int], name: str) -> None:
    plain, fast = Environment(undefined=StrictUndefined), DataEnvironment(undefined=StrictUndefined)
    expected, got = _resolved(plain, data, name), _resolved(fast, data, name)
    if hasattr(expected, "__self__"):  # a dict method: the same method of the same dict
        assert got.__self__ is data and got.__name__ == expected.__name__  # type: ignore[attr-defined]
    else:
        assert got is expected or got == expected


def test_templates_see_keys_methods_and_undefined_as_before() -> None:
    env = DataEnvironment(undefined=StrictUndefined)
    group = {"items": [1, 2], "title": "T"}
    assert env.from_string("{{ g.title }} {{ g['items'] }} {{ g.items()|list|length }}").render(g=group) == "T [1, 2] 2"
    assert env.from_string("{{ g.missing is defined }}").render(g=group) == "False"

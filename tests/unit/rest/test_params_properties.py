"""Properties of the REST parameter parsers: rendering a query and parsing it back is the
identity, and no text makes a parser fail with anything but one of our 400s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import AppError
from app.query.ast import And, Direction, Filter, FilterTerm, Not, Or, OrderTerm
from app.rest.filter_grammar import (
    FILTER_OPERATORS,
    LIST_OPERATORS,
    MAX_FILTER_DEPTH,
    parse_filter,
)
from app.rest.params import (
    parse_bool_flag,
    parse_depth,
    parse_fields,
    parse_json_param,
    parse_limit,
    parse_order_by,
)

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

modest = settings(max_examples=200, deadline=None, database=None)

# Characters the grammar cares about, mixed with ordinary and non-ASCII text.
SPECIAL = ",()[]\"':. \n%_"
raw_text = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=("Cs",))),
    max_size=12,
)
# A quoted value cannot hold its own quote (the grammar has no escapes): keep one kind.
values = raw_text.map(lambda v: v.replace("'", "") if '"' in v and "'" in v else v)

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True)
paths = st.lists(names, min_size=1, max_size=3).map(tuple)


@st.composite
def filter_terms(draw: Draw[Any]) -> FilterTerm:
    op = draw(st.sampled_from(FILTER_OPERATORS))
    if op in LIST_OPERATORS:
        value: Any = tuple(draw(st.lists(values, max_size=4)))
    elif op == "is":
        value = draw(st.sampled_from(["NULL", "NOT_NULL"]))
    else:
        value = draw(values)
    return FilterTerm(draw(paths), op, value)


filters: st.SearchStrategy[Filter] = st.recursive(
    filter_terms(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map(lambda c: And(tuple(c))),
        st.lists(inner, min_size=1, max_size=4).map(lambda c: Or(tuple(c))),
        inner.map(Not),
    ),
    max_leaves=12,
)


def depth(node: Filter) -> int:
    match node:
        case And(children) | Or(children):
            return 1 + max(depth(child) for child in children)
        case Not(child):
            return 1 + depth(child)
    return 0


# --- rendering to Twenty's syntax --------------------------------------------------------------


def render_value(draw: Draw[Any], value: str, *, unsafe: str) -> str:
    """One of the spellings the grammar reads back as `value`."""
    spellings = [f"{quote}{value}{quote}" for quote in "\"'" if quote not in value]
    bare_ok = value and value[0] not in "\"'" and not set(unsafe) & set(value)
    if bare_ok:
        spellings.append(value)
    return draw(st.sampled_from(spellings))


def render_term(draw: Draw[Any], term: FilterTerm) -> str:
    if term.op in LIST_OPERATORS:
        items = [render_value(draw, item, unsafe=",()[]\"'") for item in term.value]
        value = "[" + ",".join(items) + "]"
    else:
        value = render_value(draw, term.value, unsafe=",()[]")
    return f"{'.'.join(term.path)}[{term.op}]:{value}"


def render(draw: Draw[Any], node: Filter) -> str:
    match node:
        case FilterTerm():
            return render_term(draw, node)
        case Not(child):
            return f"not({render(draw, child)})"
        case And(children) | Or(children):
            name = "and" if isinstance(node, And) else "or"
            parts = [draw(st.sampled_from(["", " ", "  "])) + render(draw, c) for c in children]
            return f"{name}({','.join(parts)})"
    raise AssertionError(node)


def render_root(draw: Draw[Any], node: Filter) -> str:
    """A top-level and(...) may also be written as a bare comma list."""
    bare_ok = isinstance(node, And) and (
        len(node.children) > 1 or isinstance(node.children[0], FilterTerm)
    )
    if bare_ok and draw(st.booleans()):
        assert isinstance(node, And)
        return ",".join(render(draw, child) for child in node.children)
    return render(draw, node)


def as_parsed(node: Filter) -> Filter:
    """What the grammar makes of a rendered `node`: a lone term is wrapped in and(...)."""
    return And((node,)) if isinstance(node, FilterTerm) else node


# --- properties --------------------------------------------------------------------------------


@modest
@given(st.data(), filters)
def test_parsing_a_rendered_filter_gives_the_filter_back(data: st.DataObject, node: Filter) -> None:
    if depth(node) >= MAX_FILTER_DEPTH:
        return
    text = render_root(data.draw, node)
    assert parse_filter(text) == as_parsed(node), text


@modest
@given(
    st.lists(st.tuples(paths, st.none() | st.sampled_from(list(Direction))), min_size=1, max_size=5)
)
def test_parsing_a_rendered_order_by_gives_the_terms_back(
    items: list[tuple[tuple[str, ...], Direction | None]],
) -> None:
    text = ",".join(".".join(p) + (f"[{d}]" if d else "") for p, d in items)
    expected = tuple(OrderTerm(p, d or Direction.AscNullsFirst) for p, d in items)
    assert parse_order_by(text) == expected


grammar_soup = st.text(alphabet="andortiseqNUL_()[],:\"'. 1", max_size=40)


@modest
@given(st.one_of(st.text(), grammar_soup))
def test_filter_parser_fails_only_with_our_errors(text: str) -> None:
    try:
        parse_filter(text)
    except AppError as error:
        assert error.status == 400


@modest
@given(st.one_of(st.text(), grammar_soup))
def test_order_by_parser_fails_only_with_our_errors(text: str) -> None:
    try:
        parse_order_by(text)
    except AppError as error:
        assert error.status == 400


@modest
@given(st.text())
def test_scalar_parsers_fail_only_with_our_errors(text: str) -> None:
    for parse in (
        parse_limit,
        parse_depth,
        parse_fields,
        lambda t: parse_bool_flag("upsert", t),
        lambda t: parse_json_param("group_by", t),
        lambda t: parse_json_param("aggregate", t),
    ):
        try:
            parse(text)
        except AppError as error:
            assert error.status == 400


@modest
@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_limit_is_never_above_the_maximum(text: str) -> None:
    assert 0 <= parse_limit(text) <= 200

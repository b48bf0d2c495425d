"""REST query parameters: Twenty's grammar and messages (spec §1.3), no server, no database."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from app.errors import InvalidFilter, InvalidOrderBy, InvalidParameter, UnknownParameter
from app.query.ast import And, Direction, FilterTerm, Not, Or, OrderTerm
from app.rest import params
from app.rest.filter_grammar import parse_filter
from app.rest.params import (
    check_known_params,
    parse_bool_flag,
    parse_depth,
    parse_fields,
    parse_json_param,
    parse_limit,
    parse_order_by,
)


def term(path: str, op: str, value: object) -> FilterTerm:
    return FilterTerm(tuple(path.split(".")), op, value)


def only(filter_text: str) -> FilterTerm:
    """The single term of a one-condition filter (implicitly wrapped in and(...))."""
    parsed = parse_filter(filter_text)
    assert isinstance(parsed, And) and len(parsed.children) == 1
    child = parsed.children[0]
    assert isinstance(child, FilterTerm)
    return child


def filter_error(text: str) -> str:
    with pytest.raises(InvalidFilter) as caught:
        parse_filter(text)
    return caught.value.message


# --- filter: structure -------------------------------------------------------------------------


def test_worked_example_from_the_spec_parses_to_nested_conjunctions() -> None:
    text = (
        'and(fieldText[gt]:"val,ue",or(fieldNumber[is]:NOT_NULL,not(fieldText[startsWith]:"val")))'
    )
    assert parse_filter(text) == And(
        (
            term("fieldText", "gt", "val,ue"),
            Or(
                (
                    term("fieldNumber", "is", "NOT_NULL"),
                    Not(term("fieldText", "startsWith", "val")),
                )
            ),
        )
    )


def test_twentys_deeper_example_with_three_levels_parses_in_order() -> None:
    text = (
        'and(fieldText[gt]:"val,ue",or(fieldNumber[is]:NOT_NULL,not(fieldText[startsWith]:"val"),'
        'and(fieldNumber[eq]:6,fieldText[ilike]:"%val%")),or(fieldNumber[eq]:4,fieldText[is]:NULL))'
    )
    assert parse_filter(text) == And(
        (
            term("fieldText", "gt", "val,ue"),
            Or(
                (
                    term("fieldNumber", "is", "NOT_NULL"),
                    Not(term("fieldText", "startsWith", "val")),
                    And((term("fieldNumber", "eq", "6"), term("fieldText", "ilike", "%val%"))),
                )
            ),
            Or((term("fieldNumber", "eq", "4"), term("fieldText", "is", "NULL"))),
        )
    )


def test_single_term_is_wrapped_in_an_implicit_and() -> None:
    assert parse_filter("price[gte]:10") == And((term("price", "gte", "10"),))


def test_top_level_comma_list_means_and() -> None:
    assert parse_filter("a[eq]:1,b[eq]:2") == And((term("a", "eq", "1"), term("b", "eq", "2")))


def test_explicit_top_level_and_is_not_wrapped_twice() -> None:
    assert parse_filter("and(a[eq]:1)") == And((term("a", "eq", "1"),))


def test_top_level_or_and_not_are_kept_as_the_root() -> None:
    assert parse_filter("or(a[eq]:1,b[eq]:2)") == Or((term("a", "eq", "1"), term("b", "eq", "2")))
    assert parse_filter("not(a[eq]:1)") == Not(term("a", "eq", "1"))


def test_conjunction_followed_by_more_conditions_keeps_them_all() -> None:
    # Twenty silently dropped b[eq]:2 here; we wrap the whole list in and(...).
    assert parse_filter("and(a[eq]:1),b[eq]:2") == And(
        (And((term("a", "eq", "1"),)), term("b", "eq", "2"))
    )
    assert parse_filter("or(a[eq]:1),and(b[eq]:2)") == And(
        (Or((term("a", "eq", "1"),)), And((term("b", "eq", "2"),)))
    )


def test_not_inside_and_yields_a_single_child_not() -> None:
    assert parse_filter("and(a[eq]:1,not(a[eq]:2))") == And(
        (term("a", "eq", "1"), Not(term("a", "eq", "2")))
    )


def test_whitespace_before_conditions_is_ignored() -> None:
    assert parse_filter(" and( a[eq]:1,  b[eq]:2) ") == And(
        (term("a", "eq", "1"), term("b", "eq", "2"))
    )


def test_trailing_whitespace_stays_part_of_a_bare_value() -> None:
    assert only("a[eq]:x ").value == "x "


def test_dotted_path_addresses_composite_sub_fields() -> None:
    assert only('name.firstName[eq]:"John"') == term("name.firstName", "eq", "John")
    assert only("amount.amountMicros[eq]:1000000").path == ("amount", "amountMicros")


def test_whitespace_around_path_segments_is_ignored() -> None:
    assert only("name . firstName[eq]:x").path == ("name", "firstName")


# --- filter: operators and values --------------------------------------------------------------


@pytest.mark.parametrize(
    "op", ["eq", "neq", "gt", "gte", "lt", "lte", "startsWith", "endsWith", "like", "ilike"]
)
def test_each_scalar_operator_keeps_its_value_as_a_string(op: str) -> None:
    assert only(f"field[{op}]:42") == term("field", op, "42")


def test_in_and_contains_any_take_a_bracketed_list() -> None:
    assert only("stage[in]:[NEW,WON]").value == ("NEW", "WON")
    assert only("tags[containsAny]:[a]").value == ("a",)


def test_list_items_lose_one_pair_of_quotes_either_kind() -> None:
    assert only("""stage[in]:["NEW",'WON',LOST]""").value == ("NEW", "WON", "LOST")


def test_commas_inside_quoted_list_items_do_not_split_them() -> None:
    assert only('city[in]:["Paris, France","Rome"]').value == ("Paris, France", "Rome")


def test_list_items_keep_their_spaces_like_twenty() -> None:
    assert only('stage[in]:["a", "b"]').value == ("a", ' "b"')


def test_empty_list_gives_no_items() -> None:
    assert only("id[in]:[]").value == ()


def test_empty_list_items_are_kept_as_empty_strings() -> None:
    assert only("x[in]:[a,]").value == ("a", "")


def test_in_without_brackets_is_rejected_with_twentys_message() -> None:
    assert filter_error("createdAt[in]:2024-12-01T14:23:23.914Z") == (
        "'filter' invalid for 'in' operator. Received '2024-12-01T14:23:23.914Z' but array "
        "value expected eg: 'field[in]:[value_1,value_2]'"
    )
    assert "'containsAny' operator. Received 'x'" in filter_error("t[containsAny]:x")


@pytest.mark.parametrize("value", ["NULL", "NOT_NULL", '"NULL"', "'NOT_NULL'"])
def test_is_takes_null_or_not_null_quoted_or_bare(value: str) -> None:
    assert only(f"x[is]:{value}").value == value.strip("\"'")


def test_is_with_another_value_names_it() -> None:
    message = filter_error("x[is]:empty")
    assert (
        message == "'filter' invalid for 'x[is]:empty'. 'is' expects NULL or NOT_NULL, got 'empty'"
    )


def test_one_pair_of_enclosing_quotes_is_stripped() -> None:
    assert only('a[eq]:"x"').value == "x"
    assert only("a[eq]:'x'").value == "x"
    assert only('a[eq]:""x""').value == '"x"'
    assert only('a[eq]:""').value == ""


def test_mismatched_enclosing_quotes_are_stripped_as_twenty_does() -> None:
    assert only("a[eq]:\"x'").value == "x"


def test_a_lone_quote_is_kept() -> None:
    assert only('a[eq]:"').value == '"'


def test_unquoted_value_keeps_quotes_inside_it() -> None:
    assert parse_filter("name[eq]:O'Brien,city[eq]:Paris") == And(
        (term("name", "eq", "O'Brien"), term("city", "eq", "Paris"))
    )


def test_quoted_value_may_hold_the_other_quote_kind() -> None:
    assert parse_filter("""and(name[eq]:"O'Brien",city[eq]:'say "hi"')""") == And(
        (term("name", "eq", "O'Brien"), term("city", "eq", 'say "hi"'))
    )


def test_quoted_value_may_hold_brackets_parentheses_and_commas() -> None:
    assert parse_filter('and(a[eq]:"x)(,]",b[eq]:"[y")') == And(
        (term("a", "eq", "x)(,]"), term("b", "eq", "[y"))
    )


def test_value_keeps_colons_and_brackets_after_the_operator() -> None:
    assert only("fieldNumber[gt]:valStart]:[valEnd").value == "valStart]:[valEnd"
    assert only("date[gt]:2023-12-01T14:23:23.914Z").value == "2023-12-01T14:23:23.914Z"


def test_balanced_parentheses_in_a_bare_value_are_kept() -> None:
    assert only("a[eq]:f(x)").value == "f(x)"


def test_unknown_operator_lists_the_allowed_ones() -> None:
    assert filter_error("name[regex]:^a") == (
        "'filter' invalid for 'name[regex]:^a', comparator regex not in eq, neq, in, "
        "containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike"
    )


def test_operator_spelled_in_the_wrong_case_gets_a_suggestion() -> None:
    with pytest.raises(InvalidFilter) as caught:
        parse_filter("name[startswith]:a")
    assert caught.value.hint == "Did you mean 'startsWith'?"


# --- filter: errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(", "'filter' invalid. 1 close bracket is missing in the query"),
        (")", "'filter' invalid. 1 open bracket is missing in the query"),
        ("(()", "'filter' invalid. 1 close bracket is missing in the query"),
        ("()))", "'filter' invalid. 2 open brackets are missing in the query"),
        ("and(or(a[eq]:1,a[eq]:2", "'filter' invalid. 2 close brackets are missing in the query"),
        (
            "and(or(fieldNumber[eq]:1,fieldNumber[eq]:2)),fieldNumber[eq]:3)",
            "'filter' invalid. 1 open bracket is missing in the query",
        ),
    ],
)
def test_unbalanced_brackets_are_counted_first(text: str, message: str) -> None:
    assert filter_error(text) == message


def test_brackets_inside_quoted_values_are_not_counted() -> None:
    assert only('a[eq]:"(("').value == "(("


def test_close_bracket_before_its_open_bracket_is_rejected() -> None:
    assert filter_error("a[eq]:1)(") == (
        "'filter' invalid. The close bracket at character 8 has no open bracket before it"
    )


def test_not_with_two_conditions_is_rejected_with_twentys_message() -> None:
    assert filter_error("not(a[eq]:1,b[eq]:2)") == (
        "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)"
    )


@pytest.mark.parametrize(
    "text", ["price", "price[gte]", "price[gte]:", "price:10", "[gte]:10", "a[]:1", "a[eq]1:2"]
)
def test_malformed_term_is_rejected_with_an_example(text: str) -> None:
    assert filter_error(text) == f"'filter' invalid for '{text}'. eg: price[gte]:10"


def test_junk_between_operator_and_colon_is_rejected() -> None:
    assert filter_error("a[eq]x]:1") == "'filter' invalid for 'a[eq]x]:1'. eg: price[gte]:10"


@pytest.mark.parametrize("text", ["a..b[eq]:1", ".a[eq]:1", "a.[eq]:1", "and(a[eq]:1)x"])
def test_malformed_field_path_is_rejected(text: str) -> None:
    assert filter_error(text) == f"'filter' invalid for '{text}'. eg: price[gte]:10"


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_filter_is_rejected_with_a_readable_message(text: str) -> None:
    assert filter_error(text) == "'filter' invalid. It is empty. eg: price[gte]:10"


@pytest.mark.parametrize("text", ["and()", "a[eq]:1,", "and(a[eq]:1,,b[eq]:2)", "or(a[eq]:1, )"])
def test_empty_condition_is_rejected_naming_the_filter(text: str) -> None:
    assert filter_error(text) == f"'filter' invalid. Empty condition in '{text}'. eg: price[gte]:10"


def test_upper_case_conjunction_is_not_a_conjunction() -> None:
    assert filter_error("AND(a[eq]:1)") == "'filter' invalid for 'AND(a[eq]:1)'. eg: price[gte]:10"


def test_nesting_beyond_the_limit_is_a_400_not_a_crash() -> None:
    deep = "not(" * 40 + "a[eq]:1" + ")" * 40
    assert "nested more than 32 deep" in filter_error(deep)


def test_nesting_up_to_the_limit_parses() -> None:
    text = "not(" * 31 + "a[eq]:1" + ")" * 31
    parsed = parse_filter(text)
    for _ in range(31):
        assert isinstance(parsed, Not)
        parsed = parsed.child
    assert parsed == term("a", "eq", "1")


def test_filter_errors_have_the_invalid_filter_code() -> None:
    with pytest.raises(InvalidFilter) as caught:
        parse_filter("a[regex]:1")
    assert caught.value.to_rest()["code"] == "INVALID_FILTER"
    assert caught.value.status == 400


# --- order_by ----------------------------------------------------------------------------------


def test_order_by_reads_directions_and_defaults_to_asc_nulls_first() -> None:
    assert parse_order_by("fieldNumber[AscNullsFirst],fieldText[DescNullsLast],position") == (
        OrderTerm(("fieldNumber",), Direction.AscNullsFirst),
        OrderTerm(("fieldText",), Direction.DescNullsLast),
        OrderTerm(("position",), Direction.AscNullsFirst),
    )


def test_order_by_dotted_paths_address_composite_sub_fields() -> None:
    assert parse_order_by("fieldCurrency.amountMicros[DescNullsLast],name.firstName") == (
        OrderTerm(("fieldCurrency", "amountMicros"), Direction.DescNullsLast),
        OrderTerm(("name", "firstName"), Direction.AscNullsFirst),
    )


def test_order_by_does_not_append_the_id_tiebreaker() -> None:
    assert parse_order_by("name") == (OrderTerm(("name",), Direction.AscNullsFirst),)


@pytest.mark.parametrize("direction", list(Direction))
def test_order_by_accepts_every_direction(direction: Direction) -> None:
    assert parse_order_by(f"a[{direction}]")[0].direction is direction


@pytest.mark.parametrize("direction", ["invalid", "", "asc", "ascNullsFirst", " DescNullsLast"])
def test_order_by_unknown_direction_gets_twentys_message(direction: str) -> None:
    with pytest.raises(InvalidOrderBy) as caught:
        parse_order_by(f"fieldText[{direction}]")
    assert caught.value.message == (
        f"'order_by' direction '{direction}' invalid. Allowed values are 'AscNullsFirst', "
        "'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'. "
        "eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"
    )


@pytest.mark.parametrize("text", ["a[", "a]", "a[AscNullsFirst][x]", "a]b[AscNullsLast]", "a..b"])
def test_order_by_malformed_item_is_rejected(text: str) -> None:
    with pytest.raises(InvalidOrderBy) as caught:
        parse_order_by(text)
    assert caught.value.message.startswith(f"'order_by' invalid for '{text}'.")


@pytest.mark.parametrize("text", ["a,,b", "a,", " "])
def test_order_by_empty_items_are_rejected(text: str) -> None:
    with pytest.raises(InvalidOrderBy) as caught:
        parse_order_by(text)
    assert caught.value.message.startswith("'order_by' invalid. ")


def test_order_by_ignores_whitespace_around_names() -> None:
    assert parse_order_by("a, b[DescNullsFirst]")[1] == OrderTerm(("b",), Direction.DescNullsFirst)


def test_direction_knows_its_sort_order_and_null_placement() -> None:
    assert Direction.DescNullsLast.descending and not Direction.DescNullsLast.nulls_first
    assert not Direction.AscNullsFirst.descending and Direction.AscNullsFirst.nulls_first


# --- limit, depth, flags -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "limit"), [(None, 60), ("", 60), ("10", 10), ("0", 0)])
def test_limit_defaults_to_60_and_reads_integers(text: str | None, limit: int) -> None:
    assert parse_limit(text) == limit


@pytest.mark.parametrize("text", ["201", "1000", "9" * 5000])
def test_limit_above_the_maximum_is_clamped_to_200(text: str) -> None:
    assert parse_limit(text) == 200


def test_limit_default_and_maximum_can_be_chosen_per_route() -> None:
    assert parse_limit(None, default=50) == 50
    assert parse_limit("80", maximum=60) == 60


@pytest.mark.parametrize("text", ["aaa", "-1", "1.5", "1e2", "0x10", "NaN", "Infinity", "١٢"])
def test_limit_that_is_not_a_non_negative_integer_is_rejected(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_limit(text)
    assert caught.value.message == f"limit '{text}' is invalid. Should be an integer"


@pytest.mark.parametrize(("text", "depth"), [(None, 0), ("", 0), ("0", 0), ("1", 1)])
def test_depth_is_0_by_default_or_1(text: str | None, depth: int) -> None:
    assert parse_depth(text) == depth


@pytest.mark.parametrize("text", ["2", "-1", "one", "1.5"])
def test_depth_other_than_0_or_1_is_rejected(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_depth(text)
    assert caught.value.message == f"'depth={text}' parameter invalid. Allowed values are 0, 1"


@pytest.mark.parametrize("name", ["soft_delete", "upsert", "include_records_sample"])
def test_bool_flag_reads_true_false_and_absent(name: str) -> None:
    assert parse_bool_flag(name, "true") is True
    assert parse_bool_flag(name, "false") is False
    assert parse_bool_flag(name, None) is False


@pytest.mark.parametrize("text", ["True", "1", "yes", ""])
def test_bool_flag_other_than_true_or_false_is_rejected_naming_the_parameter(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_bool_flag("soft_delete", text)
    assert caught.value.message == (
        f"'soft_delete' parameter invalid. Received '{text}'. Allowed values are true, false"
    )


# --- fields ------------------------------------------------------------------------------------


def test_fields_absent_means_every_field() -> None:
    assert parse_fields(None) is None
    assert parse_fields([]) is None


def test_fields_reads_a_comma_list_of_dotted_names() -> None:
    assert parse_fields("id,name.firstName,emails") == (
        ("id",),
        ("name", "firstName"),
        ("emails",),
    )


def test_fields_are_trimmed_deduplicated_and_empty_items_skipped_like_twenty() -> None:
    assert parse_fields(" name , emails ,, name") == (("name",), ("emails",))


def test_repeated_fields_parameters_are_merged() -> None:
    assert parse_fields(["name", "emails,company"]) == (("name",), ("emails",), ("company",))


@pytest.mark.parametrize("text", ["", " , "])
def test_fields_with_no_names_is_rejected(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_fields(text)
    assert caught.value.message == (
        "'fields' parameter is empty. Expected a comma-separated list of field names, "
        "e.g. fields=id,name"
    )


@pytest.mark.parametrize("name", ["name.", ".name", "a..b"])
def test_fields_with_an_empty_path_segment_is_rejected(name: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_fields(f"id,{name}")
    assert caught.value.message.startswith(f"'fields' parameter invalid. '{name}'")


# --- JSON parameters ---------------------------------------------------------------------------


def test_group_by_json_is_parsed() -> None:
    text = '[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]'
    assert parse_json_param("group_by", text) == [
        {"closeDate": {"granularity": "DAY_OF_THE_WEEK"}},
        {"stage": True},
    ]


def test_aggregate_json_is_a_list_of_names() -> None:
    assert parse_json_param("aggregate", '["maxAmountAmountMicros"]') == ["maxAmountAmountMicros"]


@pytest.mark.parametrize("text", ["[{", "", '{"stage":true}', "[1]", "NaN"])
def test_group_by_that_is_not_a_json_list_of_objects_gets_twentys_message(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_json_param("group_by", text)
    assert caught.value.message.startswith(
        "Invalid group_by query parameter - should be a valid array of objects"
    )


@pytest.mark.parametrize("text", ["x", '"countEmptyId"', "[1]", '{"a":1}'])
def test_aggregate_that_is_not_a_json_list_of_names_gets_twentys_message(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_json_param("aggregate", text)
    assert caught.value.message == (
        "Invalid aggregate query parameter - should be a valid array of string - ex: "
        '["countNotEmptyId", "countEmptyField"]'
    )


def test_required_json_parameter_that_is_absent_is_rejected() -> None:
    assert parse_json_param("aggregate", None) is None
    with pytest.raises(InvalidParameter):
        parse_json_param("group_by", None, required=True)


def test_deeply_nested_json_is_a_400_not_a_crash() -> None:
    with pytest.raises(InvalidParameter):
        parse_json_param("group_by", "[" * 100_000)


# --- parameter names ---------------------------------------------------------------------------


def test_known_parameters_pass() -> None:
    check_known_params({"filter": "a[eq]:1", "limit": "5"}, params.FIND_MANY)


def test_unknown_parameter_is_rejected_with_a_suggestion() -> None:
    with pytest.raises(UnknownParameter) as caught:
        check_known_params({"orderBy": "name"}, params.FIND_MANY)
    assert caught.value.message == "Unknown query parameter 'orderBy'"
    assert caught.value.hint == "Did you mean 'order_by'?"
    assert caught.value.to_rest()["code"] == "UNKNOWN_PARAMETER"


def test_unknown_parameter_without_a_close_match_lists_the_allowed_ones() -> None:
    with pytest.raises(UnknownParameter) as caught:
        check_known_params([("zzz", "1")], params.FIND_ONE)
    assert caught.value.hint == "Allowed here: depth, fields, omit_null_values."


def test_parameter_of_another_route_is_unknown_here() -> None:
    with pytest.raises(UnknownParameter):
        check_known_params({"limit": "5"}, params.FIND_ONE)


def test_repeated_parameter_is_rejected_naming_it() -> None:
    with pytest.raises(InvalidParameter) as caught:
        check_known_params(QueryParams("limit=1&limit=2"), params.FIND_MANY)
    assert caught.value.message == "Query parameter 'limit' is given more than once"


def test_repeated_fields_parameter_is_allowed() -> None:
    check_known_params([("fields", "id"), ("fields", "name")], params.FIND_MANY)


def test_route_parameter_sets_cover_what_twenty_reads() -> None:
    assert {"starting_after", "ending_before", "omit_null_values"} <= params.FIND_MANY
    assert {"upsert", "upsert_on", "depth"} <= params.CREATE
    assert {"filter", "soft_delete"} <= params.DELETE_MANY
    assert "soft_delete" not in params.UPDATE_MANY
    assert {"viewId", "order_by_for_records", "include_records_sample"} <= params.GROUP_BY

"""Options of SELECT, MULTI_SELECT and RATING fields: Twenty's rules, and how an edit moves data.

Note [option edits]: options are matched by id between the old and the new list.
- An option whose value changed is *renamed*: rows holding the old value get the new one.
- An option that is gone is *removed*: SELECT and RATING rows holding it become NULL (or the
  field's default when the field is not nullable), MULTI_SELECT rows lose it from their list.
  This is what Twenty's enum migration does; we never refuse an edit because rows use a value.
- The CHECK constraint that restricts the column is dropped before the data moves and rebuilt
  after, all in the metadata transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.metadata.enums import FieldType
from app.metadata.field_types import RATING_VALUES
from app.metadata.model import FieldMeta, FieldOption
from app.metadata.validation import MAX_IDENTIFIER, Problem, clean_label, field_problem

OPTION_TYPES = frozenset({FieldType.SELECT, FieldType.MULTI_SELECT, FieldType.RATING})

_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_QUOTED = re.compile(r"^'(.*)'$", re.DOTALL)


def default_rating_options() -> tuple[FieldOption, ...]:
    return tuple(
        FieldOption(id=str(uuid.uuid4()), label=str(i + 1), value=value, color="gray", position=i)
        for i, value in enumerate(RATING_VALUES)
    )


def _is_uuid(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _label_problems(label: Any) -> list[Problem]:
    if label is None:
        return [field_problem("Option label is required")]
    if not isinstance(label, str) or label == "":
        return [field_problem("Option label must be a string of at least one character", label)]
    problems = []
    if len(label) > MAX_IDENTIFIER:
        problems.append(field_problem("Option label exceeds 63 characters", label))
    if "," in label:
        problems.append(field_problem("Label must not contain a comma", label))
    return problems


def _value_problems(value: Any) -> list[Problem]:
    if value is None:
        return [field_problem("Option value is required")]
    if not isinstance(value, str) or value == "":
        return [field_problem("Option value must be a string of at least one character", value)]
    problems = []
    if len(value) > MAX_IDENTIFIER:
        problems.append(field_problem("Option value exceeds 63 characters", value))
    if not _UPPER_SNAKE.match(value):
        problems.append(
            field_problem(f'Value must be in UPPER_CASE and follow snake_case "{value}"', value)
        )
    return problems


def parse_options(raw: Any, field_type: FieldType) -> tuple[tuple[FieldOption, ...], list[Problem]]:
    """Sanitised options (labels trimmed and collapsed, values trimmed, missing ids generated,
    missing positions taken from the order) and every problem with them."""
    if field_type is FieldType.RATING and raw is None:
        return default_rating_options(), []
    if not isinstance(raw, list) or not raw:
        return (), [field_problem("Options are required for enum fields", raw)]
    options: list[FieldOption] = []
    problems: list[Problem] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            problems.append(field_problem("Each option must be an object", item))
            continue
        label = item.get("label")
        value = item.get("value")
        label = clean_label(label) if isinstance(label, str) else label
        value = value.strip() if isinstance(value, str) else value
        option_id = item.get("id")
        if option_id is None:
            option_id = str(uuid.uuid4())
        elif not _is_uuid(option_id):
            problems.append(field_problem("Option id is invalid", option_id))
        position = item.get("position", index)
        if not isinstance(position, int | float) or isinstance(position, bool):
            problems.append(field_problem("Option position must be a number", position))
            position = index
        label_problems, value_problems = _label_problems(label), _value_problems(value)
        problems += label_problems + value_problems
        color = item.get("color")
        options.append(
            FieldOption(
                id=str(option_id).lower(),
                label=label if isinstance(label, str) else "",
                value=value if isinstance(value, str) else "",
                color=color if isinstance(color, str) and color else "gray",
                position=int(position),
            )
        )
    for attribute in ("position", "id", "value"):
        seen = [getattr(option, attribute) for option in options]
        if len(set(seen)) != len(seen):
            problems.append(field_problem(f"Duplicated option {attribute}"))
    return tuple(options), problems


def _select_default_problems(default: Any, values: tuple[str, ...]) -> list[Problem]:
    if not isinstance(default, str):
        return [field_problem(f"Default value for select must be a string got {default}", default)]
    match = _QUOTED.match(default)
    if match is None:
        return [field_problem("Default value should be as quoted string", default)]
    if match.group(1) not in values:
        return [
            field_problem(f'Default value "{default}" must be one of the option values', default)
        ]
    return []


def default_problems(field: FieldMeta) -> list[Problem]:
    """Twenty's rules for an enum field's default: a quoted option value (a non-empty list of
    distinct ones for MULTI_SELECT)."""
    default = field.default_value
    if default is None:
        return []
    values = field.option_values
    if field.type is not FieldType.MULTI_SELECT:
        return _select_default_problems(default, values)
    if not isinstance(default, list):
        return [
            field_problem(f"Default value for multi-select must be an array got {default}", default)
        ]
    problems = []
    if not default:
        problems.append(field_problem("If defined default value must contain at least one value"))
    if len(set(map(str, default))) != len(default):
        problems.append(field_problem("Default values must be unique"))
    for item in default:
        problems += _select_default_problems(item, values)
    return problems


@dataclass(frozen=True, slots=True)
class OptionEdit:
    """How the stored values move when a field's options change (Note [option edits])."""

    renamed: Mapping[str, str]  # old value -> new value
    removed: tuple[str, ...]

    @property
    def moves_data(self) -> bool:
        return bool(self.renamed or self.removed)


def option_edit(old: FieldMeta, new: FieldMeta) -> OptionEdit:
    new_by_id = {option.id: option for option in new.options}
    new_values = set(new.option_values)
    old_options = old.options
    if not old_options and old.type is FieldType.RATING:
        old_values: tuple[str, ...] = RATING_VALUES
        old_options = tuple(
            FieldOption(id="", label=v, value=v, color="gray", position=i)
            for i, v in enumerate(old_values)
        )
    renamed: dict[str, str] = {}
    removed: list[str] = []
    for option in old_options:
        successor = new_by_id.get(option.id)
        if successor is not None and successor.value != option.value:
            renamed[option.value] = successor.value
        elif successor is None and option.value not in new_values:
            removed.append(option.value)
    return OptionEdit(renamed, tuple(removed))

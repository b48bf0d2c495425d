"""Opaque page cursors: the order-key values of a row, tied to the ordering they were made for.

A cursor is base64url(JSON [signature, [value, …]]), built by PostgreSQL with the page
(app/query/json_sql.py) and decoded here. The signature is a short hash of the order keys, so
a cursor issued under one `order_by` is refused under another instead of silently returning
the wrong page. Values are exact: timestamps with their microseconds, numerics as text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from app.errors import InvalidCursor
from app.metadata.field_types import coerce_scalar
from app.query.plan import OrderKey


def signature(keys: Sequence[OrderKey]) -> str:
    text = ",".join(f"{k.ref.path}:{k.direction.value}" for k in keys)
    return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


def decode(text: str, keys: Sequence[OrderKey]) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        sig, values = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor(f"Invalid cursor '{text}'") from None
    if sig != signature(keys) or not isinstance(values, list) or len(values) != len(keys):
        raise InvalidCursor(
            f"Invalid cursor '{text}': it was issued for a different order_by",
        )
    try:
        return tuple(
            None if v is None else coerce_scalar(k.ref.kind, v, field_name=k.ref.path)
            for k, v in zip(keys, values, strict=True)
        )
    except Exception:
        raise InvalidCursor(f"Invalid cursor '{text}'") from None

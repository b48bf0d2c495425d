"""Opaque page cursors: the order-key values of a row, tied to the ordering they were made for.

A cursor is base64url(JSON [signature, [value, …]]). The signature is a short hash of the
order keys, so a cursor issued under one `order_by` is refused under another instead of
silently returning the wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from app import encoding
from app.errors import InvalidCursor
from app.metadata.field_types import ScalarKind, coerce_scalar, dump_scalar
from app.query.plan import OrderKey


def signature(keys: Sequence[OrderKey]) -> str:
    text = ",".join(f"{k.ref.path}:{k.direction.value}" for k in keys)
    return hashlib.blake2s(text.encode(), digest_size=4).hexdigest()


def _exact(kind: ScalarKind, value: Any) -> Any:
    """An order-key value as JSON without losing precision: the API's shapes round timestamps to
    milliseconds and numerics to floats, so a cursor made of them would land before its own row
    and the next page would repeat it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return dump_scalar(kind, value)


def encode(keys: Sequence[OrderKey], row: Mapping[str, Any], sig: str) -> str:
    values = [_exact(k.ref.kind, row[f"__o{i}"]) for i, k in enumerate(keys)]
    raw = encoding.dumps([sig, values])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


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

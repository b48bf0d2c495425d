"""A key sent as `?token=` (Twenty's front end does) never reaches the access log."""

from __future__ import annotations

import logging

from app.rest.open_api import TokenRedaction


def test_token_query_value_is_redacted_in_access_log_records() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/rest/open-api/core?x=1&token=crm_secret&y=2", "1.1", 200),
        None,
    )
    assert TokenRedaction().filter(record)
    line = record.getMessage()
    assert "crm_secret" not in line
    assert "/rest/open-api/core?x=1&token=[redacted]&y=2" in line

"""The request log says a refusal in one line: a 403 is an expected answer, not an error with a traceback."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Drop the traceback of a `django.request` record about a 403 (PermissionDenied); keep its line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True

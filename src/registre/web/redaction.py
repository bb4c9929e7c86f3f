"""Keep personal data and secrets out of the logs.

Every log handler of the project carries `RedactPersonalData`. It rewrites
the formatted message and the formatted traceback of each record, replacing:

- email addresses with `[email]`;
- bearer credentials (`Authorization: Bearer ...`, `token=...` in query strings) with `[token]`;
- Registre staff tokens (`rgt_...`) and Fernet ciphertexts (`gAAAAA...`) with `[token]`;
- any other run of 24 or more URL-safe characters mixing letters and digits (secret links in
  request paths, keys) with `[token]`.

Identifiers such as request ids and subject references are short or plain hex
digests and stay readable. Code should still not log identities: this is the
safety net, not the rule.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
CREDENTIAL = re.compile(r"(?i)\b(bearer|token|key|password|secret)([=: ]+)([^\s&;,'\"]+)")
LONG_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{24,}={0,2}(?![\w-])")
FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    """The text with email addresses, credentials and token-like strings replaced."""
    text = EMAIL.sub("[email]", text)
    text = CREDENTIAL.sub(lambda match: f"{match.group(1)}{match.group(2)}[token]", text)
    return LONG_TOKEN.sub(_keep_hex_digests, text)


def _keep_hex_digests(match: re.Match[str]) -> str:
    value = match.group(0)
    # SHA-256 hex digests (audit hashes, subject references) are not secrets: they stay.
    return value if re.fullmatch(r"[0-9a-f]{64}", value) else "[token]"


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True

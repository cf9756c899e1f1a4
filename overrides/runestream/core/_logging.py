"""Logging: the package logger and a filter that keeps credentials out of log records.

runestream itself never logs a header value. The filter is a second line of defence for the
loggers of the HTTP stack (``httpx``, ``httpcore.*``), whose DEBUG records can include headers:
it masks the value after any ``X-Rune-*`` credential header name, and any credential value a
:class:`~runestream.Config` has registered, wherever it appears in a message.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
from typing import Final

__all__ = ["REDACTED", "RedactingFilter", "install_redaction", "logger", "register_secret"]

logger = logging.getLogger("runestream")
logger.addHandler(logging.NullHandler())

REDACTED: Final = "<redacted>"
#: Loggers that get the filter from :func:`install_redaction`. A logger's filters do not apply to
#: records of its child loggers, so each emitting logger is listed.
REDACTED_LOGGERS: Final = (
    "runestream",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
# Shortest value treated as a secret: shorter strings would mask unrelated text.
_MIN_SECRET_LENGTH: Final = 6

_HEADER_VALUE_RE = re.compile(
    r"(?P<name>x-rune-(?:user-access-token(?:-id|-secret)?|client-key-id|client-access-key))"
    r"(?P<sep>['\"]?\s*[:=,]\s*b?['\"]?)"
    r"(?P<value>[^'\"\s,;&)}\]]+)",
    re.IGNORECASE,
)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_installed = False


def register_secret(value: str) -> None:
    """Mask ``value`` wherever it appears in records that pass a :class:`RedactingFilter`.

    Escaped spellings of the value are masked too: ``repr()`` of the string and of its UTF-8
    bytes (how httpx quotes an illegal header value), ``unicode_escape`` and percent-encoding.

    Args:
        value: A credential (ID or secret). Values shorter than 6 characters are ignored.
    """
    if len(value) >= _MIN_SECRET_LENGTH:
        forms = {value, *_escaped_forms(value)}
        with _secrets_lock:
            _secrets.update(forms)


def _escaped_forms(value: str) -> set[str]:
    """The ways a secret can be spelled once something quotes or escapes it."""
    return {
        repr(value)[1:-1],
        repr(value.encode("utf-8"))[2:-1],
        value.encode("unicode_escape").decode("ascii"),
        urllib.parse.quote(value, safe=""),
    }


def redact(text: str) -> str:
    """Return ``text`` with credential header values and registered secrets masked.

    Args:
        text: Any text, for example a formatted log message.

    Returns:
        The text with each secret replaced by ``<redacted>``.
    """
    text = _HEADER_VALUE_RE.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """A :class:`logging.Filter` that masks credentials in a record's message.

    Attach it to a handler to cover every logger that handler serves::

        handler.addFilter(runestream.RedactingFilter())
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record.

        Args:
            record: The log record.

        Returns:
            Always ``True``.
        """
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's problem, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER: Final = RedactingFilter()


def install_redaction() -> None:
    """Attach the redacting filter to the runestream and HTTP-stack loggers (idempotent)."""
    global _installed
    if _installed:
        return
    for name in REDACTED_LOGGERS:
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
    _installed = True

"""Logging set-up for every ``careerbot`` command, with secrets kept out of the log.

Two defences, because a log line is read by more people than the tokens are meant for:

1. The platform libraries (``slack_sdk``, ``slack_bolt``, ``discord``, ``aiohttp``)
   stay at INFO or above
   even when ``CAREERBOT_LOG_LEVEL=DEBUG`` — by their loggers' levels and by a filter
   on the root handler, since slack_bolt copies the ROOT level into the loggers it
   creates at run time (``slack_bolt.AsyncApp``). At DEBUG they log
   whole Socket Mode envelopes (a slash command's verification ``token`` and its
   ``response_url``, which can post as the bot for 30 minutes), gateway events with
   interaction tokens, and REST URLs with interaction and webhook tokens in the path.
   ``CAREERBOT_LOG_PLATFORM_DEBUG=1`` lets them log at DEBUG for troubleshooting.
2. :class:`RedactFilter` on the root handler rewrites every record (message, arguments,
   formatted traceback) that passes through it, replacing token-shaped text with
   ``[redacted]`` — whichever logger the record came from.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

PLATFORM_LOGGERS = ("slack_sdk", "slack_bolt", "discord", "aiohttp")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[redacted]"

# (pattern, replacement); a group 1 is kept (the part that says what was redacted)
_RULES: list[tuple[re.Pattern[str], str]] = [
    # Slack tokens: bot, user, app-level, refresh, configuration
    (re.compile(r"\bxox[abpre]-[A-Za-z0-9-]+"), MASK),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), MASK),
    # Discord bot token: base64 user id . timestamp . HMAC
    (re.compile(r"\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"), MASK),
    # Slack response URLs (slash commands, interactivity) and incoming webhooks
    (re.compile(r"hooks\.slack(?:-gov)?\.com/[^\s'\"<>)]+"), "hooks.slack.com/" + MASK),
    # Discord interaction callbacks and webhook (follow-up) URLs carry the token
    (re.compile(r"(/interactions/\d+/)[^/\s'\"]+"), r"\1" + MASK),
    (re.compile(r"(/webhooks/\d+/)[^/?\s'\"]+"), r"\1" + MASK),
    # Socket Mode websocket URL ticket
    (re.compile(r"([?&]ticket=)[^&\s'\"]+"), r"\1" + MASK),
    # "token": "…" / 'response_url': '…' in JSON and dict reprs (envelopes, gateway events)
    (
        re.compile(
            r"""(["'](?:token|response_url|response_urls|url_private)["']\s*:\s*["'])"""
            r"""[^"']*"""
        ),
        r"\1" + MASK,
    ),
    # token=… in form bodies and query strings
    (re.compile(r"(\b(?:token|response_url)=)[^&\s'\"]+"), r"\1" + MASK),
    # an Authorization header's value
    (re.compile(r"((?:Bearer|Bot)\s+)[A-Za-z0-9._-]{16,}"), r"\1" + MASK),
]


def redact(text: str) -> str:
    """``text`` with every token-shaped part replaced by ``[redacted]``."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_url(url: str) -> str:
    """``url`` without its userinfo, query and fragment: fit for a log or an error."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def redact_urls(text: str) -> str:
    """``text`` with every URL in it passed through :func:`redact_url`."""
    return _URL.sub(lambda m: redact_url(m.group()), text)


class RedactFilter(logging.Filter):
    """Redact secrets in a record's message, arguments and traceback (never drops one)."""

    def __init__(self) -> None:
        super().__init__()
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class LibraryFloor(logging.Filter):
    """Drop records below INFO from the platform libraries' loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            return True
        name = record.name
        return not any(name == p or name.startswith(p + ".") for p in PLATFORM_LOGGERS)


def setup_logging(
    level: str | int,
    *,
    platform_debug: bool = False,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Configure the root logger once for this process; returns its handler.

    ``level`` is a name already checked by the settings (DEBUG/INFO/WARNING/ERROR) or a
    number. The platform libraries never log below INFO unless ``platform_debug``.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_careerbot", False):
            root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    if not platform_debug:
        handler.addFilter(LibraryFloor())
    handler.addFilter(RedactFilter())
    handler._careerbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    numeric = level if isinstance(level, int) else logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    root.setLevel(numeric)
    floor = numeric if platform_debug else max(numeric, logging.INFO)
    for name in PLATFORM_LOGGERS:
        logging.getLogger(name).setLevel(floor)
    return handler

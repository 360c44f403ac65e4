"""Settings for logging, and the redaction of secrets from every log record."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import PLATFORM_LOGGERS, RedactFilter, redact, setup_logging

SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP = "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"
RESPONSE_URL = "https://hooks.slack.com/commands/T0001/1234567890/AbCdEfGhIjKlMnOpQr"


@pytest.mark.parametrize(
    ("value", "level"), [("debug", "DEBUG"), ("Info", "INFO"), (" WARNING ", "WARNING")]
)
def test_log_level_any_case(value: str, level: str) -> None:
    assert load_settings({"CAREERBOT_LOG_LEVEL": value}).log_level == level


@pytest.mark.parametrize("value", ["verbose", "5", "CRITICAL", "NOTSET"])
def test_bad_log_level_is_a_config_error_naming_the_setting(value: str) -> None:
    with pytest.raises(ConfigError, match="CAREERBOT_LOG_LEVEL") as caught:
        load_settings({"CAREERBOT_LOG_LEVEL": value})
    assert "DEBUG, INFO, WARNING, ERROR" in str(caught.value)


def test_platform_debug_and_heartbeat_settings() -> None:
    env = {"CAREERBOT_LOG_PLATFORM_DEBUG": "1", "CAREERBOT_HEARTBEAT_SECONDS": "0.2"}
    s = load_settings(env)
    assert s.log_platform_debug is True and s.heartbeat_seconds == 0.2
    assert load_settings({"CAREERBOT_LOG_PLATFORM_DEBUG": "no"}).log_platform_debug is False
    with pytest.raises(ConfigError, match="CAREERBOT_LOG_PLATFORM_DEBUG"):
        load_settings({"CAREERBOT_LOG_PLATFORM_DEBUG": "maybe"})
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ConfigError, match="CAREERBOT_HEARTBEAT_SECONDS"):
            load_settings({"CAREERBOT_HEARTBEAT_SECONDS": bad})


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"auth with {SLACK_BOT} ok", "auth with [redacted] ok"),
        (f"opening socket with {SLACK_APP}", "opening socket with [redacted]"),
        (f"token={DISCORD}", "token=[redacted]"),
        (f"Authorization: Bot {DISCORD}", "Authorization: Bot [redacted]"),
        (f"POST {RESPONSE_URL} 200", "POST https://hooks.slack.com/[redacted] 200"),
        (
            "POST https://discord.com/api/v10/interactions/1234/aW50ZXJhY3Rpb246MTIz/callback",
            "POST https://discord.com/api/v10/interactions/1234/[redacted]/callback",
        ),
        (
            "PATCH https://discord.com/api/v10/webhooks/5678/aW50ZXJh-Y3Rpb24/messages/@original",
            "PATCH https://discord.com/api/v10/webhooks/5678/[redacted]/messages/@original",
        ),
        ("GET /webhooks/5678/tok?wait=true", "GET /webhooks/5678/[redacted]?wait=true"),
        (
            "wss://wss-primary.slack.com/link/?ticket=abc-123&app_id=A1",
            "wss://wss-primary.slack.com/link/?ticket=[redacted]&app_id=A1",
        ),
        (
            "{'token': 'itok-7', 'id': '8', \"response_url\": \"http://x/respond/R1\"}",
            "{'token': '[redacted]', 'id': '8', \"response_url\": \"[redacted]\"}",
        ),
        ("nothing secret: 42 users, 3 skills", "nothing secret: 42 users, 3 skills"),
    ],
)
def test_redact(text: str, kept: str) -> None:
    assert redact(text) == kept


@pytest.fixture
def platform_levels() -> Iterator[None]:
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in PLATFORM_LOGGERS}
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_filter_redacts_message_args_and_traceback(platform_levels: None) -> None:
    out = io.StringIO()
    setup_logging("DEBUG", stream=out)
    log = logging.getLogger("tests.anything")
    log.debug("envelope %s for %r", {"token": "verif-1", "response_url": RESPONSE_URL}, SLACK_BOT)
    try:
        raise RuntimeError(f"401 for url https://x/api/interactions/99/{DISCORD}/callback")
    except RuntimeError:
        log.exception("request failed with %s", SLACK_APP)
    text = out.getvalue()
    for secret in ("verif-1", "hooks.slack.com/commands", SLACK_BOT, SLACK_APP, DISCORD):
        assert secret not in text
    assert "Traceback" in text and "[redacted]" in text


def test_filter_survives_a_bad_format_string() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d users %s", ("x",), None)
    assert RedactFilter().filter(record)
    assert record.args is None and "%d users" in record.getMessage()


def test_platform_loggers_stay_at_info_unless_opted_in(platform_levels: None) -> None:
    setup_logging("DEBUG", stream=io.StringIO())
    assert logging.getLogger().level == logging.DEBUG
    for name in PLATFORM_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO
    assert not logging.getLogger("slack_sdk.socket_mode").isEnabledFor(logging.DEBUG)
    setup_logging("DEBUG", platform_debug=True, stream=io.StringIO())
    assert logging.getLogger("discord.http").isEnabledFor(logging.DEBUG)
    setup_logging("WARNING", stream=io.StringIO())
    assert logging.getLogger("aiohttp").getEffectiveLevel() == logging.WARNING
    assert sum(getattr(h, "_careerbot", False) for h in logging.getLogger().handlers) == 1


def test_a_library_logger_set_to_debug_later_is_still_held_at_info(
    platform_levels: None,
) -> None:
    # slack_bolt copies the root's level into the loggers it creates at run time
    out = io.StringIO()
    setup_logging("DEBUG", stream=out)
    late = logging.getLogger("slack_bolt.AsyncApp")
    saved = late.level
    late.setLevel(logging.DEBUG)
    try:
        late.debug("Received message (data: envelope)")
        late.info("A new session has been established")
        logging.getLogger("bot.runner").debug("our own debug line")
    finally:
        late.setLevel(saved)
    text = out.getvalue()
    assert "envelope" not in text
    assert "A new session" in text and "our own debug line" in text

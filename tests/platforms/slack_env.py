"""Shared set-up for the Slack adapter tests: the fake Slack and adapters wired to it."""

from __future__ import annotations

import asyncio
import types
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.http_retry import async_handler, builtin_async_handlers

from bot.core.app import Core
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.settings import SlackSettings
from tests.fakes.slack import FakeSlack, Message

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def settings_for(
    fake: FakeSlack, tmp_path: Path, *, http: bool = False, **kw: Any
) -> SlackSettings:
    values: dict[str, Any] = {
        "slack_bot_token": fake.bot_token,
        "slack_app_token": "" if http else fake.app_token,
        "slack_signing_secret": SECRET if http else "",
        "slack_api_url": fake.api_url,
        "http_host": "127.0.0.1",
        "http_port": 0,
    }
    values.update(kw)
    return SlackSettings(**values)


@pytest.fixture
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """slack-sdk's retry handlers wait with ``asyncio.sleep`` (Retry-After plus up to 1 s
    of jitter for a 429, a back-off for a connection error): record each wait and return
    at once, so a retry test takes milliseconds and can still check what was waited."""
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0)

    fake = types.SimpleNamespace(sleep=sleep)
    monkeypatch.setattr(builtin_async_handlers, "asyncio", fake)  # 429: Retry-After
    monkeypatch.setattr(async_handler, "asyncio", fake)  # connection errors: back-off
    return sleeps


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("U1", name="ada", tz="Europe/Berlin")
        fake.add_user("U2", name="grace", tz="America/New_York", is_admin=True)
        yield fake


@asynccontextmanager
async def running(
    core: Core, fake: FakeSlack, tmp_path: Path, *, http: bool = False, **kw: Any
) -> AsyncIterator[SlackAdapter]:
    """A started adapter (Socket Mode, or HTTP with ``http=True``), closed on exit."""
    adapter = SlackAdapter(settings_for(fake, tmp_path, http=http, **kw), core, http=http)
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
async def socket_adapter(
    slack: FakeSlack, core: Core, tmp_path: Path
) -> AsyncIterator[SlackAdapter]:
    async with running(core, slack, tmp_path) as adapter:
        yield adapter


@pytest.fixture
async def http_adapter(slack: FakeSlack, core: Core, tmp_path: Path) -> AsyncIterator[SlackAdapter]:
    async with running(core, slack, tmp_path, http=True) as adapter:
        yield adapter


def header(msg: Message) -> str:
    return str(msg.blocks[0]["text"]["text"]) if msg.blocks else ""


def buttons(msg: Message) -> dict[str, str]:
    """action_id -> value of every button in the message."""
    return {
        e["action_id"]: e["value"]
        for b in msg.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def via_url(fake: FakeSlack, url: str, n: int = 1) -> list[Message]:
    return list(
        await fake.wait_for(
            lambda: (
                (found := [m for m in fake.messages if m.url == url]) and len(found) >= n and found
            ),
            what=f"{n} post(s) to the response_url",
        )
    )


async def answer(fake: FakeSlack, url: str, ack: dict[str, Any]) -> Message:
    """A slash command's answer: in the ack itself (quick core) or via the response_url."""
    payload = ack.get("payload")
    assert fake.ack_errors == []
    if payload:
        return Message(
            "",
            "",
            payload.get("text", ""),
            payload.get("blocks", []),
            "ack",
            response_type=payload.get("response_type"),
        )
    [msg] = await via_url(fake, url)
    return msg

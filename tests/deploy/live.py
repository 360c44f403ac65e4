"""Fake Slack + fake Discord on loopback, and ``careerbot run`` as a real process against them.

Shared by the end-to-end test, the container tests and the sizing benchmark.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
STOP_LIMIT = 10.0  # the promise: stopped within 10 s of SIGTERM
T = TypeVar("T")


@dataclass
class Fakes:
    slack: FakeSlack
    discord: FakeDiscord

    def env(self, *, slack: bool = True, discord: bool = True) -> dict[str, str]:
        """The settings that point ``careerbot run`` at these fakes."""
        out: dict[str, str] = {}
        if slack:
            out |= {
                "SLACK_BOT_TOKEN": self.slack.bot_token,
                "SLACK_APP_TOKEN": self.slack.app_token,
                "SLACK_API_URL": self.slack.api_url,
            }
        if discord:
            out |= {
                "DISCORD_TOKEN": self.discord.token,
                "DISCORD_API_URL": self.discord.api_url,
                "DISCORD_GATEWAY_URL": self.discord.gateway_url,
            }
        return out


@asynccontextmanager
async def fakes() -> AsyncIterator[Fakes]:
    async with FakeSlack() as slack, FakeDiscord() as discord:
        yield Fakes(slack, discord)


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without proxies or platform settings, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PROXY_VARS and not k.startswith(("SLACK_", "DISCORD_", "CAREERBOT_"))
    }
    return env | dict(extra)


def careerbot(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


async def start_bot(env: Mapping[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *careerbot("run", *args),
        env=clean_env(env),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def healthy(env: Mapping[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *careerbot("health"),
        env=clean_env(env),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def wait_healthy(
    env: Mapping[str, str], proc: asyncio.subprocess.Process, within: float = 30.0
) -> str:
    """Poll ``careerbot health`` until it exits 0; fail early if the bot died."""
    deadline = time.monotonic() + within
    last = ""
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise AssertionError(f"careerbot run exited {proc.returncode}")
        status, last = await healthy(env)
        if status == 0:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"not healthy within {within} s: {last}")


def run_sync(argv: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), env=clean_env(env), cwd=ROOT, capture_output=True, text=True, timeout=60
    )


async def within(limit: float, what: str, action: Awaitable[T]) -> tuple[T, float]:
    """``action``'s result and how long it took; fails the test past ``limit`` seconds.

    The duration is for reports (the benchmark); tests must not assert on it — the limit
    is the behaviour check (e.g. "stops within 10 s of SIGTERM").
    """
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(action, limit)
    except TimeoutError:
        raise AssertionError(f"{what}: not done within {limit:g} s") from None
    return result, time.monotonic() - started


async def poll(predicate: Callable[[], object], within: float, what: str) -> None:
    """Wait until ``predicate()`` holds (state written by another process); fail past
    ``within`` seconds — a hang guard, not a timing check."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within:g} s")
        await asyncio.sleep(0.02)


async def read_until(proc: asyncio.subprocess.Process, text: str, within: float) -> str:
    """The bot's output up to the first line containing ``text`` (which must come)."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + within
    while not lines or text not in lines[-1]:
        left = deadline - time.monotonic()
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), max(0.0, left))
        except TimeoutError:
            raise AssertionError(f"no {text!r} in the output: {''.join(lines)}") from None
        if not line:
            raise AssertionError(f"the output ended without {text!r}: {''.join(lines)}")
        lines.append(line.decode(errors="replace"))
    return "".join(lines)


async def sigterm_and_time(
    proc: asyncio.subprocess.Process, limit: float = STOP_LIMIT
) -> tuple[str, float]:
    """SIGTERM the bot; its whole output and the seconds it took to exit (killed past ``limit``)."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        (out, _), took = await within(limit, "careerbot run after SIGTERM", proc.communicate())
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return (out or b"").decode(errors="replace"), took

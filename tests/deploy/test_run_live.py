"""``careerbot run`` as a real process, both real adapters connected to the fakes on loopback:
healthy while connected, unhealthy when a platform is gone, clean exit within 10 s on SIGTERM,
and no secret in its log even at DEBUG."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.deploy.live import (
    careerbot,
    fakes,
    healthy,
    run_sync,
    sigterm_and_time,
    start_bot,
    wait_healthy,
)
from tests.fakes.slack import slash_command

BEAT = "0.2"  # CAREERBOT_HEARTBEAT_SECONDS: a disconnect shows in health at once
# a token of Discord's shape (user id . timestamp . HMAC), so the shape rule is exercised
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"


async def test_run_both_platforms_healthy_then_sigterm(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env() | {"CAREERBOT_DB": str(tmp_path / "bot.db")}
        proc = await start_bot(env)
        try:
            report = await wait_healthy(env, proc)
            assert "slack: connected" in report and "discord: connected" in report
            assert f.discord.commands, "Discord commands were synced"
        finally:
            log, _ = await sigterm_and_time(proc)  # fails the test past 10 s
        assert proc.returncode == 0, log
        assert "SIGTERM received" in log and "careerbot stopped" in log
        assert f.slack.bot_token not in log and f.discord.token not in log
        assert "Traceback" not in log
    status, text = await healthy(env)
    assert status == 1 and "no heartbeat" in text
    check = await asyncio.to_thread(run_sync, careerbot("db", "check"), env)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("platform_debug", ["0", "1"])
async def test_no_secret_in_the_log_at_debug(tmp_path: Path, platform_debug: str) -> None:
    """ "0": the platform libraries stay at INFO; "1": they log whole payloads at DEBUG
    and only the redaction filter stands between them and the log."""
    async with fakes() as f:
        f.discord.token = DISCORD_TOKEN
        env = f.env() | {
            "CAREERBOT_DB": str(tmp_path / "bot.db"),
            "CAREERBOT_LOG_LEVEL": "debug",  # any case
            "CAREERBOT_LOG_PLATFORM_DEBUG": platform_debug,
        }
        proc = await start_bot(env)
        try:
            await wait_healthy(env, proc)
            # a Slack slash command over Socket Mode: its envelope holds the verification
            # token and the response_url
            url = f.slack.new_response_url("C1", "U1")
            envelope = await f.slack.send_envelope(
                "slash_commands", slash_command("help", response_url=url)
            )
            await f.slack.wait_ack(envelope, within=10)
            # a Discord interaction: its token is in the gateway event and the callback URL
            interaction = await f.discord.slash("career", "help")
            await f.discord.wait_callback(interaction, wait=10)
            tokens = [ix["token"] for ix in f.discord._interactions.values()]
        finally:
            log, _ = await sigterm_and_time(proc)
        assert proc.returncode == 0, log[-2000:]
    assert " DEBUG bot." in log, "the bot logged at DEBUG"
    platform_lines = (" DEBUG discord.", " DEBUG slack_sdk.", " DEBUG slack_bolt.")
    assert any(p in log for p in platform_lines) == (platform_debug == "1")
    assert "careerbot stopped" in log
    secrets = {
        "Slack bot token": f.slack.bot_token,
        "Slack app token": f.slack.app_token,
        "Discord token": DISCORD_TOKEN,
        "response_url": url,
        "verification token": "legacy-verification-token",
        **{f"interaction token {t}": t for t in tokens},
    }
    assert tokens
    leaked = [name for name, secret in secrets.items() if secret in log]
    assert not leaked, leaked


async def test_health_fails_when_a_platform_goes_away(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env(slack=False) | {
            "CAREERBOT_DB": str(tmp_path / "bot.db"),
            "CAREERBOT_HEARTBEAT_SECONDS": BEAT,
        }
        proc = await start_bot(env, "--platform", "discord")
        try:
            await wait_healthy(env, proc)
            # the token is revoked and the gateway drops the bot: its resume is refused
            f.discord.token = "revoked"
            for ws, _ in list(f.discord._sockets):
                await ws.close()
            deadline = time.monotonic() + 20
            status, text = 0, ""
            while time.monotonic() < deadline:
                status, text = await healthy(env)
                if status:
                    break
                await asyncio.sleep(0.2)
        finally:
            await sigterm_and_time(proc)
        assert status == 1, text


async def test_rejected_token_is_a_clear_message_and_exit_2(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env() | {
            "CAREERBOT_DB": str(tmp_path / "bot.db"),
            "DISCORD_TOKEN": "tok-not-valid-7",
        }
        proc = await start_bot(env)
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    text = out.decode()
    assert proc.returncode == 2, text
    assert "DISCORD_TOKEN" in text and "Traceback" not in text
    assert "tok-not-valid-7" not in text  # the token itself is never echoed
    assert "careerbot stopped" in text  # the Slack adapter that did start was closed


async def test_bad_log_level_is_one_line_exit_2(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env() | {"CAREERBOT_DB": str(tmp_path / "bot.db"), "CAREERBOT_LOG_LEVEL": "loud"}
        done = await asyncio.to_thread(run_sync, careerbot("run"), env)
    assert done.returncode == 2
    assert "CAREERBOT_LOG_LEVEL" in done.stderr and "Traceback" not in done.stderr

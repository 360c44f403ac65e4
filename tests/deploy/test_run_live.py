"""``careerbot run`` as a real process, both real adapters connected to the fakes on loopback:
healthy while connected, unhealthy when a platform is gone, clean exit within 10 s on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from tests.deploy.live import careerbot, fakes, healthy, run_sync, start_bot, wait_healthy


async def test_run_both_platforms_healthy_then_sigterm(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env() | {"CAREERBOT_DB": str(tmp_path / "bot.db")}
        proc = await start_bot(env)
        try:
            report = await wait_healthy(env, proc)
            assert "slack: connected" in report and "discord: connected" in report
            assert f.discord.commands, "Discord commands were synced"
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            out, _ = await asyncio.wait_for(proc.communicate(), 10)
            took = time.monotonic() - started
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        log = out.decode()
        assert proc.returncode == 0, log
        assert took < 10, f"stopped in {took:.1f} s"
        assert "SIGTERM received" in log and "careerbot stopped" in log
        assert f.slack.bot_token not in log and f.discord.token not in log
        assert "Traceback" not in log
    status, text = await healthy(env)
    assert status == 1 and "no heartbeat" in text
    check = await asyncio.to_thread(run_sync, careerbot("db", "check"), env)
    assert check.returncode == 0, check.stderr


async def test_health_fails_when_a_platform_goes_away(tmp_path: Path) -> None:
    async with fakes() as f:
        env = f.env(slack=False) | {"CAREERBOT_DB": str(tmp_path / "bot.db")}
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
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.communicate(), 10)
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

"""``careerbot run`` as a real process with ONLY the echo platform, a package careerbot
does not know: registered through CAREERBOT_PLATFORMS, configured by its own setting
(ECHO_DIR). A command is answered through its transport, and a daily tip that is due
goes out through its messenger. Nothing outside this package knows it exists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.bank import load_bank
from bot.core.app import Core
from bot.storage import open_store
from tests.bench.delivery import subscribe
from tests.deploy.live import poll, read_until, sigterm_and_time, start_bot
from tests.echo_platform.transport import Transport

HANG = 60.0  # seconds; only so that a hang fails instead of blocking the suite


async def seed_due_subscriber(db: Path, user: str) -> None:
    """A daily subscriber whose tip was due ten minutes ago (within the catch-up)."""
    now = datetime.now(UTC)
    store = await open_store(str(db))
    try:
        core = Core(load_bank(), store, clock=lambda: now - timedelta(hours=1))
        at = (now - timedelta(minutes=10)).strftime("%H:%M")
        await subscribe(core, "echo", "local", [user], at=at)
    finally:
        await store.close()


def first(events: list[dict[str, Any]], kind: str, to: str) -> dict[str, Any] | None:
    return next((e for e in events if e["type"] == kind and e["to"] == to), None)


async def test_careerbot_run_serves_a_platform_registered_by_setting(tmp_path: Path) -> None:
    db, box = tmp_path / "bot.db", Transport(tmp_path / "echo")
    await seed_due_subscriber(db, "ada")
    env = {
        "CAREERBOT_DB": str(db),
        "CAREERBOT_PLATFORMS": "tests.echo_platform",
        "ECHO_DIR": str(box.dir),
    }
    proc = await start_bot(env)  # no Slack or Discord setting reaches it
    try:
        await read_until(proc, "careerbot running: echo", HANG)
        box.post("bob", "skill pytroch")
        await poll(lambda: first(box.sent(), "reply", "bob"), HANG, "bob's answer")
        await poll(lambda: first(box.sent(), "dm", "ada"), HANG, "ada's daily tip")
    finally:
        log, _ = await sigterm_and_time(proc)
    assert proc.returncode == 0, log
    assert "Traceback" not in log
    answer = first(box.sent(), "reply", "bob")
    assert answer is not None and answer["text"].startswith("PyTorch"), answer
    tip = first(box.sent(), "dm", "ada")
    assert tip is not None and "daily tip" in tip["text"].lower(), tip
    assert [e["to"] for e in box.sent() if e["type"] == "dm"] == ["ada"]  # once

"""The core never imports a chat-platform library."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import bot.core, bot.core.app, bot.core.handlers, bot.core.commands, bot.core.lookup
import bot.core.ports, bot.core.tips, bot.core.progress, bot.storage, bot.bank, bot.cli
import bot.platforms.console.adapter
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("discord", "slack_bolt", "slack_sdk"))
print(",".join(loaded))
"""


def test_core_imports_no_platform_library() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
    # the probe would notice: importing a platform library is seen by the same check
    seen = subprocess.run(
        [sys.executable, "-c", "import slack_sdk\n" + PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "slack_sdk" in seen.stdout


STORAGE_PROBE = """
import sys
import bot.core, bot.core.app, bot.core.ports, bot.core.records, bot.core.cards, bot.core.tips
import bot.core.handlers, bot.core.handlers.account, bot.core.handlers.daily
import bot.core.handlers.general, bot.core.handlers.roadmap, bot.core.handlers.roles
import bot.core.handlers.skills, bot.core.handlers.tips
import bot.delivery, bot.delivery.ledger, bot.delivery.scheduler, bot.delivery.sender
bot.core.commands.REGISTRY.parse("help")  # the registry loads every handler module
loaded = sorted(
    m for m in sys.modules
    if m.startswith("bot.storage") or m.split(".")[0] in ("sqlite3", "_sqlite3", "aiosqlite")
)
print(",".join(loaded))
"""


def test_core_and_delivery_import_no_storage() -> None:
    """The core owns the storage ports; no store (nor a database driver) comes with it."""
    out = subprocess.run(
        [sys.executable, "-c", STORAGE_PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == ""
    seen = subprocess.run(
        [sys.executable, "-c", "import bot.storage.sqlite\n" + STORAGE_PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "bot.storage.sqlite" in seen.stdout and "sqlite3" in seen.stdout

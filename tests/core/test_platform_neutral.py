"""The core never imports a chat-platform library."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import bot.core, bot.core.app, bot.core.handlers, bot.core.commands, bot.core.lookup
import bot.core.ports, bot.core.tips, bot.core.progress, bot.storage, bot.bank, bot.cli
import bot.adapters.console
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

"""README's command table lists every command of the registry, as `help` does."""

from __future__ import annotations

from pathlib import Path

import bot.core.handlers  # noqa: F401  (declares every command)
from bot.core.commands import REGISTRY

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_command_table_lists_every_command_with_its_usage() -> None:
    text = README.read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].removeprefix("| ") for line in text.splitlines()}
    missing = [
        c.usage
        for c in REGISTRY
        if not c.button_only and "`" + c.usage.replace("|", "\\|") + "`" not in rows
    ]
    assert missing == [], f"README's command table lacks: {missing}"

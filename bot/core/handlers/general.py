"""help"""

from __future__ import annotations

from bot.core import messages
from bot.core.app import Context
from bot.core.commands import REGISTRY, command
from bot.core.replies import Field, Reply


@command("help", "Show every command with a one-line usage")
def help_(ctx: Context) -> Reply:
    groups: dict[str, list[str]] = {}
    for cmd in REGISTRY:
        if cmd.button_only or (cmd.admin and not ctx.request.is_admin):
            continue
        groups.setdefault(cmd.group, []).append(f"`{cmd.usage}` — {cmd.summary}")
    fields = tuple(Field(name, "\n".join(lines)) for name, lines in groups.items())
    return Reply(title=messages.HELP_TITLE, body=messages.HELP_BODY, fields=fields, kind="help")

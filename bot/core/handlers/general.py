"""help"""

from __future__ import annotations

import difflib

from bot.core import messages
from bot.core.app import Context
from bot.core.commands import REGISTRY, Command, Option, command
from bot.core.errors import UnknownCommand
from bot.core.progress import FREEZE_CAP, FREEZE_EVERY
from bot.core.replies import Field, Reply


@command(
    "help",
    "Show every command with a one-line usage, or one command in detail",
    Option("command", "text", "a command, e.g. daily", required=False),
)
def help_(ctx: Context, command: str | None = None) -> Reply:
    if command:
        return _one(ctx, command.lower().removeprefix("/career ").strip())
    groups: dict[str, list[str]] = {}
    for cmd in _visible(ctx):
        groups.setdefault(cmd.group, []).append(f"`{cmd.usage}` — {cmd.summary}")
    fields = tuple(Field(name, "\n".join(lines)) for name, lines in groups.items())
    body = f"{messages.HELP_BODY}\n{messages.HELP_TOPICS}"
    return Reply(title=messages.HELP_TITLE, body=body, fields=fields, kind="help")


def _visible(ctx: Context) -> list[Command]:
    return [c for c in REGISTRY if not c.button_only and (ctx.request.is_admin or not c.admin)]


def _topic(name: str) -> Reply | None:
    """Help on a topic rather than a command (listed in help's body)."""
    if name in ("streak", "streaks", "freeze", "freezes"):
        text = messages.STREAK_HELP.format(every=FREEZE_EVERY, cap=FREEZE_CAP)
        return Reply(title=messages.STREAK_HELP_TITLE, body=text, kind="help")
    return None


def _one(ctx: Context, name: str) -> Reply:
    topic = _topic(name)
    if topic is not None:
        return topic
    cmd = REGISTRY.get(name)
    if cmd is None or cmd.button_only:
        names = [c.name for c in _visible(ctx)]
        raise UnknownCommand(name[:40], difflib.get_close_matches(name, names, n=3, cutoff=0.6))
    options = "\n".join(
        f"`{o.name}`{'' if o.required else ' (optional)'}: {o.help}" for o in cmd.options
    )
    fields = (Field("Options", options),) if options else ()
    return Reply(
        title=f"{messages.USAGE.format(usage=cmd.usage)}",
        body=cmd.summary,
        fields=fields,
        kind="help",
    )

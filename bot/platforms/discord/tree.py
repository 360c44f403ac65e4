"""The ``/career`` slash commands, generated from the core's command registry.

Nothing here lists commands: each user-facing :class:`~bot.core.commands.Command`
becomes a subcommand named by its ``slug``, each :class:`~bot.core.commands.Option` a
typed option (int -> integer with min/max, channel -> text channel, choice -> string
choices, skill/role/timezone -> string with autocomplete from ``Core.complete``,
anything else -> string). The handler hands the adapter the command and each option's
value BY NAME (an :class:`~bot.core.requests.Invocation`, never text to re-parse): the
core converts and validates them with the registry's converters, as for typed text.

Layout (Discord allows 25 subcommands per command):

- ``/career``         user commands, in help order;
- ``/career-more``    only if there are more than 25 user commands: the overflow;
- ``/career-admin``   admin commands ("admin daily" -> ``/career-admin daily``), with
  ``default_permissions`` Manage Server (a hint to clients: ``default_permissions``
  only exists on top-level commands, hence a separate command) AND an enforced
  ``has_permissions(manage_guild=True)`` check; server-only.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice

from bot.core.commands import Command, Option
from bot.core.requests import Invocation

Run = Callable[[discord.Interaction[Any], Invocation], Awaitable[None]]
Complete = Callable[[str, str, int], list[tuple[str, str]]]

MAX_SUBCOMMANDS = 25
MAX_CHOICES = 25
GROUP = "career"
MORE = "career-more"
ADMIN = "career-admin"
GROUP_HELP = "careerbot: tips, skills, roles and your progress as an ML engineer"
MORE_HELP = "careerbot: more commands"
ADMIN_HELP = "careerbot: server admin commands (Manage Server)"
_KIND = {
    "int": discord.AppCommandOptionType.integer,
    "channel": discord.AppCommandOptionType.channel,
}


def _desc(text: str) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= 100 else text[:99] + "…"


class OptionText(app_commands.Transformer[Any]):
    """A registry option as a typed Discord option; its value goes to the core as text
    (a channel: its id), converted and validated there by the option's name."""

    def __init__(self, option: Option) -> None:
        self.option = option

    @property
    def type(self) -> discord.AppCommandOptionType:
        return _KIND.get(self.option.kind, discord.AppCommandOptionType.string)

    @property
    def min_value(self) -> int | None:
        return self.option.min_value if self.option.kind == "int" else None

    @property
    def max_value(self) -> int | None:
        return self.option.max_value if self.option.kind == "int" else None

    @property
    def choices(self) -> list[Choice[str | int | float]] | None:
        if self.option.kind != "choice" or not self.option.choices:
            return None
        return [Choice(name=c[:100], value=c[:100]) for c in self.option.choices[:MAX_CHOICES]]

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> str:
        if self.option.kind == "channel":
            return str(value.id)
        return str(value)


class CompletedText(OptionText):
    """An option with autocomplete, ranked by the core's own look-up."""

    def __init__(self, option: Option, complete: Complete) -> None:
        super().__init__(option)
        self.complete = complete

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str, /
    ) -> list[Choice[str]]:
        found = self.complete(self.option.kind, str(value or "")[:100], MAX_CHOICES)
        return [Choice(name=label[:100], value=val[:100]) for label, val in found[:MAX_CHOICES]]


def subcommand_name(cmd: Command) -> str:
    slug = cmd.slug.lower()
    return slug.removeprefix("admin-") if cmd.admin and slug != "admin" else slug


def make_command(
    cmd: Command, run: Run, complete: Complete, parent: app_commands.Group
) -> app_commands.Command[Any, ..., None]:
    """One subcommand for ``cmd``: typed options in, the command and its values by name out."""
    names = [f"p{i}" for i in range(len(cmd.options))]
    by_param = {n: o.name for n, o in zip(names, cmd.options, strict=True)}

    async def callback(interaction: discord.Interaction[Any], **values: str | None) -> None:
        given = tuple((by_param[n], v) for n, v in values.items() if v is not None)
        await run(interaction, Invocation(cmd.name, given))

    params = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for name, opt in zip(names, cmd.options, strict=True):
        annotation = CompletedText(opt, complete) if opt.autocomplete else OptionText(opt)
        default = inspect.Parameter.empty if opt.required else None
        params.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
            )
        )
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_rename__ = {  # type: ignore[attr-defined]
        n: o.name.lower() for n, o in zip(names, cmd.options, strict=True)
    }
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        n: _desc(o.help) for n, o in zip(names, cmd.options, strict=True)
    }
    if cmd.admin:
        callback = app_commands.checks.has_permissions(manage_guild=True)(callback)
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=subcommand_name(cmd),
        description=_desc(cmd.summary),
        callback=callback,
        parent=parent,
        extras={"career": cmd.name},
    )
    parent.add_command(command)
    return command


def build_groups(commands: Iterable[Command], run: Run, complete: Complete) -> list[Any]:
    """The top-level commands (``app_commands.Group``) for ``commands``."""
    user = [c for c in commands if not c.button_only and not c.admin]
    admin = [c for c in commands if not c.button_only and c.admin]
    groups: list[app_commands.Group] = []
    first = app_commands.Group(name=GROUP, description=GROUP_HELP)
    groups.append(first)
    for cmd in user[:MAX_SUBCOMMANDS]:
        make_command(cmd, run, complete, first)
    if len(user) > MAX_SUBCOMMANDS:
        more = app_commands.Group(name=MORE, description=MORE_HELP)
        groups.append(more)
        for cmd in user[MAX_SUBCOMMANDS : 2 * MAX_SUBCOMMANDS]:
            make_command(cmd, run, complete, more)
        if len(user) > 2 * MAX_SUBCOMMANDS:
            raise ValueError(f"{len(user)} user commands: more than /career can hold")
    if admin:
        if len(admin) > MAX_SUBCOMMANDS:
            raise ValueError(f"{len(admin)} admin commands: more than /career-admin can hold")
        admins = app_commands.Group(
            name=ADMIN,
            description=ADMIN_HELP,
            default_permissions=discord.Permissions(manage_guild=True),
            guild_only=True,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
        )
        groups.append(admins)
        for cmd in admin:
            make_command(cmd, run, complete, admins)
    return groups


def install(
    tree: app_commands.CommandTree[Any], commands: Iterable[Command], run: Run, complete: Complete
) -> None:
    """Add the generated commands to ``tree`` (globally)."""
    for group in build_groups(commands, run, complete):
        tree.add_command(group)

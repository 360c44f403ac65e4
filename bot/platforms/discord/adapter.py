"""The Discord adapter: discord.py client, ``/career`` commands, buttons, DMs.

It only converts: interaction -> :class:`~bot.core.requests.Request` ->
``await core.respond`` -> embeds and buttons (:mod:`bot.platforms.discord.render`).
Personal replies are ephemeral; a reply with ``ephemeral=False`` (``share``) is posted
to the channel; a button's reply with ``replace=True`` edits the message it is on when
that message is the clicker's own (ephemeral, or in their DM with the bot). On a shared
message (a shared tip, a channel's daily post) it is a new ephemeral message instead,
so the shared one stays as everyone saw it. If
the core takes longer than :data:`DEFER_AFTER` seconds the interaction is deferred
first, well inside Discord's 3 s.

No privileged intent is used (only ``guilds``). Commands sync globally, or with
``DISCORD_GUILD_ID`` on that server only (where they appear at once), never both.

Shards: the client is discord.py's ``AutoShardedClient``. With ``DISCORD_SHARD_COUNT``
(and ``DISCORD_SHARD_IDS``) it runs those shards of that count, so several processes
split the guilds between them; without, it runs every shard of the count Discord
recommends (``GET /gateway/bot``: one shard below 1,000 guilds or so), so a bot that
outgrows one shard (Discord requires sharding from 2,500) keeps working after a
restart. Discord sends each guild's events on shard ``(guild_id >> 22) % count`` and
DMs on shard 0: every process answers its own guilds' interactions, the one running
shard 0 answers the DMs and is the one that syncs the commands (a bulk overwrite is
idempotent, so the others would only repeat it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.config import ConfigError
from bot.core import messages
from bot.core.app import Core
from bot.core.replies import Reply
from bot.core.requests import GLOBAL_TENANT, Invocation, Request, User
from bot.logs import redact_url, redact_urls
from bot.platforms.discord.messenger import DiscordMessenger
from bot.platforms.discord.render import CareerButton, Page, render
from bot.platforms.discord.routes import (
    api_of,
    gateway_failure,
    gateway_of,
    in_context,
    route,
)
from bot.platforms.discord.settings import DiscordSettings
from bot.platforms.discord.tree import install

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5  # seconds; Discord wants an answer (or a defer) within 3
START_TIMEOUT = 60.0
BAD_TOKEN = (
    "DISCORD_TOKEN: Discord refused the bot token (401 Unauthorized). Copy the token "
    "from the Bot page of your application in the Discord developer portal."
)
NO_TOKEN = "DISCORD_TOKEN is not set: put the bot token of your Discord application there."
UNREACHABLE = "{setting}: cannot reach {what} at {url} ({detail})"
NO_READY = "discord: no READY from the gateway at {url} within {seconds:.0f} s"
# what a failed connection raises
NETWORK_ERRORS = (OSError, TimeoutError, aiohttp.ClientError, discord.GatewayNotFound)
BAD_VALUE = "That value is not valid for '{option}'."
ADMIN_HINT = " It needs the Manage Server permission."


class CareerClient(discord.AutoShardedClient):
    """A discord.py client with the generated command tree and persistent buttons.

    It runs the shards ``DISCORD_SHARD_IDS`` of ``DISCORD_SHARD_COUNT``, or every shard
    of Discord's recommended count.
    """

    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        settings = adapter.settings
        if settings.discord_shard_count is not None:
            options["shard_count"] = settings.discord_shard_count
            ids = settings.shard_ids
            if ids is not None:
                options["shard_ids"] = list(ids)
        super().__init__(intents=discord.Intents(guilds=True), **options)
        self.adapter = adapter
        self.tree: app_commands.CommandTree[CareerClient] = app_commands.CommandTree(self)
        self.tree.error(adapter.on_tree_error)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CareerButton)

    async def career_button(self, interaction: discord.Interaction[Any], command: str) -> None:
        try:
            await self.adapter.answer(interaction, command, via_button=True)
        except Exception as exc:
            await self.adapter.on_tree_error(interaction, exc)


class DiscordAdapter:
    """Started by ``careerbot run``: ``await start()``, ``connected``, ``messenger``."""

    name = "discord"

    def __init__(
        self,
        settings: DiscordSettings,
        core: Core,
        *,
        guild_ready_timeout: float = 2.0,
        defer_after: float = DEFER_AFTER,
        max_ratelimit_timeout: float | None = 30.0,
    ) -> None:
        self.settings = settings
        self.core = core
        self.defer_after = defer_after
        self.client = CareerClient(
            self,
            guild_ready_timeout=guild_ready_timeout,
            max_ratelimit_timeout=max_ratelimit_timeout,
        )
        route(self.client, settings.discord_api_url, settings.discord_gateway_url)
        install(self.client.tree, core.commands(), self._slash, core.complete)
        self.messenger = DiscordMessenger(self.client)
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        """Ready, and every shard this process runs has its gateway connection open."""
        if self._task is None or self._task.done() or not self.client.is_ready():
            return False
        ids = self.shards
        shards = self.client.shards
        return bool(ids) and all(i in shards and not shards[i].is_closed() for i in ids)

    @property
    def shards(self) -> list[int]:
        """The shard ids this process runs (known once the client connects)."""
        client = self.client
        if client.shard_ids is not None:
            return list(client.shard_ids)
        return list(range(client.shard_count)) if client.shard_count else []

    async def start(self) -> None:
        """Log in, connect, wait for READY, sync the commands.

        ConfigError for a bad token or an unreachable API or gateway URL (shown without
        its user:password@, query or fragment).
        """
        if not self.settings.discord_token:
            raise ConfigError(NO_TOKEN)
        await login(self.client, self.settings.discord_token)
        self._task = asyncio.create_task(
            self.client.connect(reconnect=True), name="discord", context=in_context(self.client)
        )
        ready = asyncio.create_task(self.client.wait_until_ready())
        refused = asyncio.create_task(gateway_failure(self.client))
        done, _ = await asyncio.wait(
            {ready, refused, self._task},
            timeout=START_TIMEOUT,
            return_when=asyncio.FIRST_COMPLETED,
        )
        refused.cancel()
        if ready not in done:
            ready.cancel()
            gateway = gateway_of(self.client)
            await self.close()
            failure = None
            if refused in done:
                failure = refused.result()
            elif self._task.done() and not self._task.cancelled():
                failure = self._task.exception()
            if failure is not None:
                if isinstance(failure, discord.LoginFailure):  # the gateway refused the token
                    raise ConfigError(BAD_TOKEN) from failure
                network = _network_error(failure)
                if network is not None:
                    raise unreachable(
                        "DISCORD_GATEWAY_URL", "the Discord gateway", gateway, network
                    )
                raise RuntimeError(f"discord: could not connect: {failure!r}") from failure
            raise RuntimeError(NO_READY.format(url=redact_url(gateway), seconds=START_TIMEOUT))
        shards = self.shards
        if self.settings.runs_shard_zero:
            await self.sync()
        else:
            log.info("discord: the commands are synced by the process running shard 0")
        log.info(
            "discord: connected as %s (shards %s of %s)",
            self.client.user,
            ",".join(map(str, shards)),
            self.client.shard_count,
        )

    async def sync(self) -> None:
        """Register the commands: on ``DISCORD_GUILD_ID``'s server only, else globally.

        Never both: Discord shows a command registered globally and on a server twice
        there. ``careerbot discord clear-commands`` removes an old registration.
        """
        tree = self.client.tree
        if self.settings.discord_guild_id:
            guild = discord.Object(id=self.settings.discord_guild_id)
            tree.copy_global_to(guild=guild)
            synced = await tree.sync(guild=guild)
            log.info("discord: %d commands synced to guild %s only", len(synced), guild.id)
        else:
            synced = await tree.sync()
            log.info("discord: %d top-level commands synced globally", len(synced))

    async def close(self) -> None:
        try:
            await self.client.close()
        except Exception:
            log.exception("discord: close failed")
        if self._task is not None:
            # a shard that never connected stays in discord.py's retry loop: stop it
            if not self._task.done() and not self.client.is_ready():
                self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task

    # interactions -----------------------------------------------------------------

    async def _slash(self, interaction: discord.Interaction[Any], invocation: Invocation) -> None:
        await self.answer(interaction, invocation, via_button=False)

    def request_for(
        self, interaction: discord.Interaction[Any], what: str | Invocation, via_button: bool
    ) -> Request:
        """``what``: a button's command text, or a slash command's options by name."""
        guild_id = interaction.guild_id
        who = interaction.user
        # Discord user ids are global: one profile per person, in every server and in DMs
        user = User("discord", GLOBAL_TENANT, str(who.id), who.display_name)
        invocation = what if isinstance(what, Invocation) else None
        return Request(
            user=user,
            text=what if isinstance(what, str) else "",
            invocation=invocation,
            channel_id=str(interaction.channel_id) if interaction.channel_id else None,
            is_dm=guild_id is None,
            via_button=via_button,
            is_admin=guild_id is not None and interaction.permissions.manage_guild,
            workspace=str(guild_id) if guild_id else None,
        )

    async def answer(
        self, interaction: discord.Interaction[Any], what: str | Invocation, *, via_button: bool
    ) -> None:
        """The whole round trip of one interaction: request, core, rendered answer.

        A timer defers the interaction if the core has not answered after
        ``defer_after`` seconds (a timer, not ``wait_for``: it costs ~10 µs, not ~100).
        """
        request = self.request_for(interaction, what, via_button)
        deferring: list[asyncio.Future[None]] = []

        def defer() -> None:
            deferring.append(asyncio.ensure_future(_defer(interaction, via_button)))

        timer = asyncio.get_running_loop().call_later(self.defer_after, defer)
        try:
            reply = await self.core.respond(request)
        finally:
            timer.cancel()
        deferred = bool(deferring)
        if deferring:
            await deferring[0]  # the defer must be acknowledged before any follow-up
        await self._deliver(interaction, reply, via_button=via_button, deferred=deferred)

    async def _deliver(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        *,
        via_button: bool,
        deferred: bool,
    ) -> None:
        pages = render(reply)
        first, rest = pages[0], pages[1:]
        public = not reply.ephemeral
        if via_button and reply.replace and _own_message(interaction):
            if deferred:
                await interaction.edit_original_response(**_edit(first))
            else:
                await interaction.response.edit_message(**_edit(first))
        elif not deferred:
            await interaction.response.send_message(**first.kwargs(), ephemeral=not public)
        elif via_button or public:
            if public and not via_button:  # drop the private "thinking…" placeholder
                await interaction.delete_original_response()
            await interaction.followup.send(**first.kwargs(), ephemeral=not public)
        else:
            await interaction.edit_original_response(**_edit(first))
        for page in rest:
            await interaction.followup.send(**page.kwargs(), ephemeral=not public)

    async def on_tree_error(
        self, interaction: discord.Interaction[Any], error: BaseException
    ) -> None:
        """The one error handler: log it, answer the user briefly, never stay silent."""
        if isinstance(error, app_commands.MissingPermissions | app_commands.NoPrivateMessage):
            name = interaction.command.qualified_name if interaction.command else "career-admin"
            text = messages.FORBIDDEN.format(command=f"/{name}") + ADMIN_HINT
            log.info("discord: refused an admin command to user %s", interaction.user.id)
        elif isinstance(error, app_commands.TransformerError):
            text = BAD_VALUE.format(option=getattr(error.transformer, "_error_display_name", "?"))
        else:
            log.error("discord: interaction failed", exc_info=error)
            text = messages.APOLOGY
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                if not interaction.response.is_done():
                    await interaction.response.autocomplete([])
            elif interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("discord: could not tell the user about an error: HTTP %s", exc.status)


async def login(client: discord.Client, token: str) -> None:
    """``client.login``; ConfigError for a bad token or an unreachable ``DISCORD_API_URL``."""
    try:
        await client.login(token)
    except discord.LoginFailure as exc:
        await client.close()
        raise ConfigError(BAD_TOKEN) from exc
    except (*NETWORK_ERRORS, ValueError, discord.HTTPException) as exc:
        # ValueError: a URL aiohttp refuses, e.g. user:pass@ next to the bot token header
        await client.close()
        raise unreachable("DISCORD_API_URL", "Discord", api_of(client), exc) from None


def unreachable(setting: str, what: str, url: str, exc: BaseException) -> ConfigError:
    """The start-up error for a URL that does not answer: no credentials, query or fragment."""
    if isinstance(exc, discord.HTTPException):
        detail = f"HTTP {exc.status}"  # not the body: an HTML error page, say
    else:
        detail = redact_urls(str(exc)) or type(exc).__name__
    safe = redact_url(url)
    return ConfigError(UNREACHABLE.format(setting=setting, what=what, url=safe, detail=detail))


def _network_error(exc: BaseException) -> BaseException | None:
    """The connection error behind ``exc`` (itself, its cause or its context), if any.

    discord.py retries a failed first gateway connection with an AttributeError raised
    while handling the original error, so the original is found in ``__context__``.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, NETWORK_ERRORS):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


async def _defer(interaction: discord.Interaction[Any], via_button: bool) -> None:
    if via_button:
        await interaction.response.defer()  # the clicked message stays as it is
    else:
        await interaction.response.defer(ephemeral=True, thinking=True)


def _own_message(interaction: discord.Interaction[Any]) -> bool:
    """Is the clicked message only the clicker's: ephemeral, or in their DM with the bot?"""
    message = interaction.message
    if message is None:
        return False
    return message.flags.ephemeral or interaction.context.dm_channel


def _edit(page: Page) -> dict[str, Any]:
    """Keyword arguments to edit a message into ``page`` (clearing buttons it lacks)."""
    file = page.file()
    return {
        "content": page.content,
        "embeds": page.embeds,
        "view": page.view(),
        "attachments": [file] if file else [],
    }

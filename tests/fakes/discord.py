"""A fake Discord (REST + gateway websocket, zlib-stream) on 127.0.0.1, for the real discord.py.

Usage::

    async with FakeDiscord() as fake:            # token "test-token", guild 1000, channel 2000
        settings = DiscordSettings(discord_token=fake.token, discord_api_url=fake.api_url,
                                   discord_gateway_url=fake.gateway_url)
        ...                                      # start the client under test
        ix = await fake.slash("career", "tip", {"skill": "rust"})   # INTERACTION_CREATE
        cb = await fake.wait_callback(ix)        # the POST …/callback body it answered with
        await fake.click(message, "career:save t001")                # a button click
        await fake.autocomplete("career", "skill", "name", "py")     # -> callback type 8

What it records (plain dicts, as sent by the client):

- ``messages``   every message created: by the bot in a channel or DM, by an interaction
  response or a webhook follow-up. Keys: ``id``, ``channel_id``, ``content``, ``embeds``,
  ``components``, ``nonce``, ``flags`` (64 = ephemeral), ``files`` (names), ``source``
  ("channel", "interaction", "followup"); edits update the record in place.
- ``uploads``    every file part of a multipart body (``files[n]``): filename, content
  type and bytes.
- ``callbacks``  interaction callbacks: ``{"interaction_id", "type", "data"}``.
- ``commands``   synced definitions: ``commands[None]`` global, ``commands[guild_id]``.
- ``requests``   ``(method, path)`` of every REST call; ``rejected`` every 4xx it sent
  with the reason.

What it enforces, like Discord: the bot token (401; gateway close 4004), command
definitions (names, descriptions, option and choice counts), message limits (content,
embeds, 6000 characters, components, custom ids), ``nonce`` + ``enforce_nonce``
deduplication, a rate limit (``rate_limit(n, per)``: 429 with ``Via`` and JSON
``{retry_after, global}``; ``fail_next(n)`` forces the next n calls to 429), users
who do not accept DMs (``dm_closed``: 50007), and channels the bot may not post in
(``refuse_posts(channel, status, code, message)``, e.g. 403 50013 Missing Permissions).

Shards, as Discord does them: IDENTIFY carries ``shard: [id, count]`` (none: ``[0, 1]``;
an id past the count closes with 4010); READY echoes ``shard`` and lists only the guilds
of that shard, each followed by its GUILD_CREATE; a guild belongs to shard
``(guild_id >> 22) % count``. Interactions are dispatched on the connection of their
guild's shard, DMs on shard 0. ``FakeDiscord(guilds=[...], shards=n)`` serves several
guilds (one text channel each: :meth:`channel_of`) and recommends ``n`` shards in
``GET /gateway/bot``. ``identified`` records every IDENTIFY (``shard``, ``port``).
:meth:`listen` opens one more port on the same fake (another front door, e.g. one per
process), and each callback records the ``port`` it came in on.

``hold()`` makes ``POST /channels/{id}/messages`` create the message at once but answer
only after ``release()`` (a slow network); ``held`` counts the answers waiting.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import zlib
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 900
BOT = {
    "id": str(APP_ID),
    "username": "careerbot",
    "global_name": None,
    "discriminator": "0",
    "avatar": None,
    "bot": True,
    "verified": True,
    "mfa_enabled": False,
    "flags": 0,
    "public_flags": 0,
}
GUILD_ID = 1000
CHANNEL_ID = 2000
EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
NONCE_WINDOW = 300.0  # seconds Discord keeps a nonce (a few minutes)
_SNOWFLAKE = 1_300_000_000_000_000_000


def user(uid: int = 42, name: str = "ada") -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
    }


def _valid_name(name: Any) -> bool:
    """Discord's ^[-_\\p{L}\\p{N}]{1,32}$, lowercase where a lowercase form exists."""
    return (
        isinstance(name, str)
        and 1 <= len(name) <= 32
        and all(c in "-_" or c.isalpha() or c.isnumeric() for c in name)
        and name == name.lower()
    )


def command_problems(cmd: dict[str, Any]) -> list[str]:
    """What Discord would reject in one chat-input command definition."""
    out: list[str] = []

    def check(obj: dict[str, Any], where: str, depth: int) -> None:
        if not _valid_name(obj.get("name")):
            out.append(f"{where}: bad name {obj.get('name')!r}")
        desc = obj.get("description")
        if not isinstance(desc, str) or not 1 <= len(desc) <= 100:
            out.append(f"{where}: description must be 1-100 characters")
        options = obj.get("options") or []
        if len(options) > 25:
            out.append(f"{where}: {len(options)} options (max 25)")
        names = [o.get("name") for o in options]
        if len(set(names)) != len(names):
            out.append(f"{where}: duplicate option names")
        kinds = {o.get("type") for o in options}
        if kinds & {1, 2} and kinds - {1, 2}:
            out.append(f"{where}: subcommands mixed with plain options")
        seen_optional = False
        for o in options:
            here = f"{where} {o.get('name')}"
            if o.get("type") in (1, 2):
                if depth >= 2 or (o["type"] == 2 and depth >= 1):
                    out.append(f"{here}: nested too deep")
                check(o, here, depth + 1)
                continue
            check(o, here, 9)
            if o.get("required"):
                if seen_optional:
                    out.append(f"{here}: required option after an optional one")
            else:
                seen_optional = True
            choices = o.get("choices") or []
            if len(choices) > 25:
                out.append(f"{here}: {len(choices)} choices (max 25)")
            if choices and o.get("autocomplete"):
                out.append(f"{here}: choices and autocomplete together")
            for c in choices:
                if not 1 <= len(str(c.get("name", ""))) <= 100 or len(str(c.get("value"))) > 100:
                    out.append(f"{here}: bad choice {c!r}")

    check(cmd, cmd.get("name", "?"), 0)
    return out


def message_problems(body: dict[str, Any]) -> list[str]:
    """What Discord would reject in a message body (create or edit)."""
    out: list[str] = []
    content = body.get("content") or ""
    if len(content) > 2000:
        out.append(f"content is {len(content)} characters (max 2000)")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        out.append(f"{len(embeds)} embeds (max 10)")
    total = 0
    for i, e in enumerate(embeds):
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            n = len(e.get(key) or "")
            total += n
            if n > limit:
                out.append(f"embed {i} {key} is {n} characters (max {limit})")
        footer = len((e.get("footer") or {}).get("text") or "")
        author = len((e.get("author") or {}).get("name") or "")
        total += footer + author
        if footer > 2048 or author > 256:
            out.append(f"embed {i} footer/author too long")
        fields = e.get("fields") or []
        if len(fields) > 25:
            out.append(f"embed {i} has {len(fields)} fields (max 25)")
        for f in fields:
            name, value = f.get("name") or "", f.get("value") or ""
            total += len(name) + len(value)
            if not 1 <= len(name) <= 256 or not 1 <= len(value) <= 1024:
                out.append(f"embed {i} field {name[:20]!r}: name 1-256, value 1-1024")
    if total > 6000:
        out.append(f"embeds hold {total} characters (max 6000)")
    rows = body.get("components") or []
    if len(rows) > 5:
        out.append(f"{len(rows)} action rows (max 5)")
    ids: list[str] = []
    for row in rows:
        items = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(items) <= 5:
            out.append("an action row holds 1-5 components")
        for b in items:
            cid = b.get("custom_id") or ""
            if b.get("style") != 5 and not 1 <= len(cid) <= 100:
                out.append(f"custom_id of {len(cid)} characters (1-100)")
            ids.append(cid)
            if len(b.get("label") or "") > 80:
                out.append("button label over 80 characters")
    if len(ids) != len(set(ids)):
        out.append("custom_id values must be unique in a message")
    return out


class FakeDiscord:
    """The fake server; see the module docstring. ``async with`` starts and stops it."""

    def __init__(
        self,
        token: str = "test-token",
        *,
        guild_id: int = GUILD_ID,
        guilds: list[int] | None = None,
        shards: int = 1,
    ) -> None:
        self.token = token
        self.guilds = list(guilds) if guilds else [guild_id]
        self.guild_id = self.guilds[0]
        self.recommended_shards = shards
        self.identified: list[dict[str, Any]] = []  # {"shard": [id, count], "port": …}
        self.messages: list[dict[str, Any]] = []
        self.callbacks: list[dict[str, Any]] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []
        self.uploads: list[dict[str, Any]] = []  # {"filename", "content_type", "data"}
        self.rejected: list[tuple[str, str]] = []
        self.dm_closed: set[str] = set()  # user ids that answer 50007
        self._refused: dict[str, tuple[int, int, str]] = {}  # channel -> status, code, message
        self.dm_opens = 0
        self.identifies = 0
        self._ids = itertools.count(_SNOWFLAKE)
        self._dms: dict[str, str] = {}  # user id -> DM channel id
        self._nonces: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> interaction
        self._answered: set[str] = set()  # interaction ids with a callback
        self._sockets: list[tuple[web.WebSocketResponse, Any]] = []  # identified, zlib context
        self._shards: dict[web.WebSocketResponse, tuple[int, int]] = {}  # their (id, count)
        self._session_shards: dict[str, tuple[int, int]] = {}
        self._seq = 0
        self._limit: tuple[int, float] | None = None
        self._window: list[float] = []
        self._forced: list[tuple[float, bool]] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._holding = False
        self._release = asyncio.Event()
        self.held = 0
        self.port = 0

    # lifecycle --------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get("/gateway", self._gateway)
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._application)
        r.add_get("/api/v10/gateway/bot", self._gateway_bot)
        r.add_get("/api/v10/gateway", self._gateway_bot)
        r.add_put("/api/v10/applications/{app}/commands", self._sync)
        r.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self._sync)
        r.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        r.add_route("*", "/api/v10/webhooks/{app}/{token}/messages/{mid}", self._webhook_message)
        r.add_post("/api/v10/users/@me/channels", self._open_dm)
        r.add_post("/api/v10/channels/{channel}/messages", self._create_message)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = await self.listen()
        return self

    async def listen(self) -> int:
        """Serve this same fake on one more loopback port too; that port."""
        assert self._runner is not None
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port: int = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return port

    async def __aexit__(self, *exc: object) -> None:
        self.release()
        for ws, _ in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.api_url_at(self.port)

    @property
    def gateway_url(self) -> str:
        return self.gateway_url_at(self.port)

    def api_url_at(self, port: int) -> str:
        return f"http://127.0.0.1:{port}/api/v10"

    def gateway_url_at(self, port: int) -> str:
        return f"ws://127.0.0.1:{port}/gateway"

    def channel_of(self, guild: int) -> int:
        """The text channel of ``guild`` (:data:`CHANNEL_ID` in the first guild)."""
        return CHANNEL_ID if guild == self.guild_id else guild + 1

    @staticmethod
    def shard_of(guild: int | None, count: int) -> int:
        """The shard Discord sends a guild's events on (DMs: shard 0)."""
        return 0 if guild is None else (guild >> 22) % count

    # knobs ------------------------------------------------------------------------

    def rate_limit(self, limit: int, per: float) -> None:
        """At most ``limit`` REST calls (interaction responses excepted) per ``per`` s."""
        self._limit = (limit, per)
        self._window.clear()

    def fail_next(self, n: int = 1, retry_after: float = 0.05, is_global: bool = False) -> None:
        """The next ``n`` rate-limited REST calls get a 429."""
        self._forced.extend([(retry_after, is_global)] * n)

    def refuse_posts(
        self,
        channel: int | str,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
    ) -> None:
        """Answer POST /channels/{channel}/messages with Discord's error, e.g. 403 50013."""
        self._refused[str(channel)] = (status, code, message)

    def allow_posts(self, channel: int | str) -> None:
        self._refused.pop(str(channel), None)

    def hold(self) -> None:
        """Create messages at once but answer their ``POST`` only after :meth:`release`."""
        self._holding = True
        self._release.clear()

    def release(self) -> None:
        """Answer every held message now; later ones are answered at once again."""
        self._holding = False
        self._release.set()

    # driving the client -------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway DISPATCH to every identified connection."""
        for ws, compressor in list(self._sockets):
            await self._dispatch_on(ws, compressor, event, data)

    async def dispatch_for(self, guild: int | None, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH the way Discord routes it: on the connections of the shard
        ``guild`` belongs to (a DM, ``guild=None``: shard 0)."""
        for ws, compressor in list(self._sockets):
            shard, count = self._shards.get(ws, (0, 1))
            if shard == self.shard_of(guild, count):
                await self._dispatch_on(ws, compressor, event, data)

    async def _dispatch_on(
        self, ws: web.WebSocketResponse, compressor: Any, event: str, data: dict[str, Any]
    ) -> None:
        self._seq += 1
        await self._send(ws, compressor, {"op": 0, "t": event, "s": self._seq, "d": data})

    async def slash(
        self,
        command: str,
        sub: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        member: dict[str, Any] | None = None,
        admin: bool = False,
        dm: bool = False,
        kind: int = 2,
        focused: str | None = None,
        guild: int | None = None,
    ) -> str:
        """An application command (or, with ``kind=4``, autocomplete) interaction, in
        ``guild`` (default: the first one) or with ``dm`` in the user's DM."""
        where = None if dm else (guild or self.guild_id)
        definition = self.find_command(command, guild=where)
        values = options or {}
        opts = definition.get("options") or []
        if sub is not None:
            spec = next(o for o in opts if o["name"] == sub)
            inner = [self._option(spec, n, v, focused) for n, v in values.items()]
            data_opts = [{"type": spec["type"], "name": sub, "options": inner}]
        else:
            data_opts = [self._option(definition, n, v, focused) for n, v in values.items()]
        data: dict[str, Any] = {
            "id": definition["id"],
            "name": command,
            "type": 1,
            "options": data_opts,
        }
        channels = [v for v in values.values() if isinstance(v, dict)]
        if channels:
            data["resolved"] = {"channels": {c["id"]: c for c in channels}}
            for o in data_opts[0].get("options", data_opts):
                if isinstance(o.get("value"), dict):
                    o["value"] = o["value"]["id"]
        return await self._interaction(kind, data, member=member, admin=admin, dm=dm, guild=guild)

    async def autocomplete(
        self, command: str, sub: str | None, option: str, value: str, **kw: Any
    ) -> str:
        return await self.slash(command, sub, {option: value}, kind=4, focused=option, **kw)

    async def click(
        self, message: dict[str, Any], custom_id: str, *, dm: bool = False, **kw: Any
    ) -> str:
        """A button click on ``message`` (a record from :attr:`messages`)."""
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._message_payload(message)
        return await self._interaction(3, data, message=payload, dm=dm, **kw)

    def find_command(self, name: str, *, guild: bool | int | None = True) -> dict[str, Any]:
        """A synced command: in ``guild`` (True: the first guild) or global."""
        if guild is True:
            guild = self.guild_id
        scopes = [guild, None] if guild else [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return cmd
        raise KeyError(f"command {name!r} was never synced")

    async def wait_for(self, predicate: Callable[[], Any], wait: float = 5.0) -> Any:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), wait)
        return predicate()

    async def wait_callback(self, interaction_id: str, wait: float = 5.0) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((c for c in self.callbacks if c["interaction_id"] == interaction_id), None)

        result: dict[str, Any] = await self.wait_for(found, wait)
        return result

    def messages_for(self, interaction_id: str) -> list[dict[str, Any]]:
        """Messages created by an interaction's response and its follow-ups."""
        return [m for m in self.messages if m.get("interaction_id") == interaction_id]

    # internals: interactions ------------------------------------------------------------

    def _option(
        self, spec: dict[str, Any], name: str, value: Any, focused: str | None
    ) -> dict[str, Any]:
        o = next(o for o in spec.get("options") or [] if o["name"] == name)
        out = {"name": name, "type": o["type"], "value": value}
        if focused == name:
            out["focused"] = True
        return out

    async def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        member: dict[str, Any] | None = None,
        admin: bool = False,
        dm: bool = False,
        message: dict[str, Any] | None = None,
        guild: int | None = None,
    ) -> str:
        iid, token = str(next(self._ids)), f"itok-{next(self._ids)}"
        guild = guild or self.guild_id
        channel_id = str(self.channel_of(guild))
        who = member or user()
        perms = str(MANAGE_GUILD if admin else 0)
        payload: dict[str, Any] = {
            "id": iid,
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": "en-US",
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild)},
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if dm:
            channel = await self._dm_for(who["id"])
            payload |= {
                "user": who,
                "channel_id": channel,
                "channel": {"id": channel, "type": 1},
                "context": 1,
            }
        else:
            payload |= {
                "guild_id": str(guild),
                "guild_locale": "en-US",
                "channel_id": channel_id,
                "channel": {"id": channel_id, "type": 0, "guild_id": str(guild)},
                "member": {
                    "user": who,
                    "roles": [],
                    "permissions": perms,
                    "joined_at": "2024-01-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                },
                "context": 0,
            }
        if message is not None:
            payload["message"] = message
        self._interactions[token] = payload
        await self.dispatch_for(None if dm else guild, "INTERACTION_CREATE", payload)
        return iid

    async def _dm_for(self, uid: str) -> str:
        if uid not in self._dms:
            self._dms[uid] = str(next(self._ids))
        return self._dms[uid]

    def _message_payload(self, m: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": m["id"],
            "channel_id": m["channel_id"],
            "author": BOT,
            "content": m.get("content") or "",
            "timestamp": "2026-03-02T09:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": m.get("embeds") or [],
            "components": m.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": m.get("flags", 0),
            **({"nonce": m["nonce"]} if m.get("nonce") else {}),
        }

    async def _record(self, m: dict[str, Any]) -> dict[str, Any]:
        async with self._changed:
            self.messages.append(m)
            self._changed.notify_all()
        return m

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # internals: HTTP ----------------------------------------------------------------

    def _json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
        # discord.py parses JSON only with exactly this content type (no charset)
        return web.Response(
            body=json.dumps(data).encode(),
            status=status,
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def _reject(self, request: web.Request, status: int, code: int, reason: str) -> Any:
        self.rejected.append((request.path, reason))
        return self._json({"code": code, "message": reason}, status)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> Any:
        if request.path == "/gateway":
            return await handler(request)
        self.requests.append((request.method, request.path))
        token_in_url = "/interactions/" in request.path or "/webhooks/" in request.path
        if not token_in_url and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._reject(request, 401, 0, "401: Unauthorized")
        if not token_in_url:
            limited = self._rate_limited()
            if limited is not None:
                retry_after, is_global = limited
                self.rejected.append((request.path, "429"))
                body = {"message": "You are being rate limited.", "retry_after": retry_after}
                body["global"] = is_global
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(retry_after))),
                    "X-RateLimit-Scope": "global" if is_global else "user",
                }
                return self._json(body, 429, headers)
        return await handler(request)

    def _rate_limited(self) -> tuple[float, bool] | None:
        if self._forced:
            return self._forced.pop(0)
        if self._limit is None:
            return None
        limit, per = self._limit
        now = time.monotonic()
        self._window = [t for t in self._window if now - t < per]
        if len(self._window) >= limit:
            return (round(per - (now - self._window[0]), 3) + 0.001, False)
        self._window.append(now)
        return None

    async def _body(self, request: web.Request) -> tuple[Any, list[str]]:
        """A JSON body, or multipart ``payload_json`` plus the uploaded file names."""
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form.get("payload_json") or "{}"))
            parts = [f for k, f in form.items() if k.startswith("files[")]
            for f in parts:
                data = f.file.read()
                self.uploads.append(
                    {"filename": f.filename, "content_type": f.content_type, "data": data}
                )
            files = [f.filename for f in parts]
            return body, files
        text = await request.text()
        return (json.loads(text) if text else {}), []

    async def _me(self, request: web.Request) -> Any:
        return self._json(BOT)

    async def _application(self, request: web.Request) -> Any:
        return self._json(
            {
                "id": str(APP_ID),
                "name": "careerbot",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": user(1, "owner"),
                "team": None,
            }
        )

    async def _gateway_bot(self, request: web.Request) -> Any:
        return self._json(
            {
                "url": self.gateway_url_at(_local_port(request)),
                "shards": self.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _sync(self, request: web.Request) -> Any:
        body, _ = await self._body(request)
        guild = int(request.match_info["guild"]) if "guild" in request.match_info else None
        problems = [p for cmd in body for p in command_problems(cmd)]
        names = [(c.get("type", 1), c.get("name")) for c in body]
        if len(set(names)) != len(names):
            problems.append("duplicate command names")
        if sum(1 for c in body if c.get("type", 1) == 1) > 100:
            problems.append("more than 100 chat input commands")
        if problems:
            return self._reject(request, 400, 50035, "Invalid Form Body: " + "; ".join(problems))
        stored = [
            {
                **c,
                "id": str(next(self._ids)),
                "application_id": str(APP_ID),
                "version": "1",
                "type": c.get("type", 1),
                **({"guild_id": str(guild)} if guild else {}),
            }
            for c in body
        ]
        self.commands[guild] = stored
        await self._notify()
        return self._json(stored)

    async def _open_dm(self, request: web.Request) -> Any:
        body, _ = await self._body(request)
        uid = str(body.get("recipient_id"))
        self.dm_opens += 1
        channel = await self._dm_for(uid)
        return self._json({"id": channel, "type": 1, "recipients": [user(int(uid))]})

    async def _create_message(self, request: web.Request) -> Any:
        body, files = await self._body(request)
        channel = request.match_info["channel"]
        owner = next((u for u, c in self._dms.items() if c == channel), None)
        if owner is not None and owner in self.dm_closed:
            return self._reject(request, 403, 50007, "Cannot send messages to this user")
        if channel in self._refused:
            status, code, reason = self._refused[channel]
            return self._reject(request, status, code, reason)
        problems = message_problems(body)
        if not (body.get("content") or body.get("embeds") or files):
            problems.append("Cannot send an empty message")
        if problems:
            return self._reject(request, 400, 50035, "Invalid Form Body: " + "; ".join(problems))
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):
            if len(str(nonce)) > 25:
                return self._reject(request, 400, 50035, "nonce longer than 25 characters")
            seen = self._nonces.get((channel, str(nonce)))
            if seen is not None and time.monotonic() - seen[0] < NONCE_WINDOW:
                return self._json(self._message_payload(seen[1]))
        m = self._new_message(channel, body, files, "channel")
        if nonce and body.get("enforce_nonce"):
            self._nonces[(channel, str(nonce))] = (time.monotonic(), m)
        await self._record(m)
        if self._holding:
            self.held += 1
            await self._notify()
            try:
                await self._release.wait()
            finally:
                self.held -= 1
        return self._json(self._message_payload(m))

    def _new_message(
        self, channel: str, body: dict[str, Any], files: list[str], source: str
    ) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "channel_id": channel,
            "content": body.get("content"),
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "flags": body.get("flags") or 0,
            "nonce": body.get("nonce"),
            "files": files,
            "source": source,
        }

    async def _callback(self, request: web.Request) -> Any:
        body, files = await self._body(request)
        token = request.match_info["token"]
        ix = self._interactions.get(token)
        if ix is None or ix["id"] != request.match_info["id"]:
            return self._reject(request, 404, 10062, "Unknown interaction")
        if ix["id"] in self._answered:
            return self._reject(request, 400, 40060, "Interaction has already been acknowledged")
        kind, data = body.get("type"), body.get("data") or {}
        if kind in (4, 7):
            problems = message_problems(data)
            if problems:
                return self._reject(
                    request, 400, 50035, "Invalid Form Body: " + "; ".join(problems)
                )
        if kind == 8 and len(data.get("choices") or []) > 25:
            return self._reject(request, 400, 50035, "more than 25 autocomplete choices")
        message: dict[str, Any] | None = None
        if kind == 4 or kind == 5:
            message = self._new_message(ix["channel_id"], data, files, "interaction")
            message["interaction_id"] = ix["id"]
            message["token"] = token
            if kind == 5:
                message["loading"] = True
            await self._record(message)
        elif kind == 7 and "message" in ix:
            message = self._edit(ix["message"]["id"], data, files)
        elif kind == 6 and "message" in ix:  # deferred update: @original is the clicked one
            message = next((m for m in self.messages if m["id"] == ix["message"]["id"]), None)
        ix["response_message"] = message
        self._answered.add(ix["id"])
        port = _local_port(request)
        async with self._changed:
            self.callbacks.append(
                {"interaction_id": ix["id"], "type": kind, "data": data, "port": port}
            )
            self._changed.notify_all()
        out: dict[str, Any] = {
            "interaction": {
                "id": ix["id"],
                "type": ix["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if message is not None:
            out["interaction"]["response_message_id"] = message["id"]
            out["resource"] = {"type": kind, "message": self._message_payload(message)}
        return self._json(out)

    def _edit(self, mid: str, body: dict[str, Any], files: list[str]) -> dict[str, Any] | None:
        m = next((m for m in self.messages if m["id"] == mid), None)
        if m is None:
            return None
        for key in ("content", "embeds", "components"):
            if key in body:
                m[key] = body[key] if body[key] is not None else ([] if key != "content" else None)
        if files or "attachments" in body:
            m["files"] = files
        m["edits"] = m.get("edits", 0) + 1
        m.pop("loading", None)
        return m

    async def _followup(self, request: web.Request) -> Any:
        body, files = await self._body(request)
        ix = self._interactions.get(request.match_info["token"])
        if ix is None or ix["id"] not in self._answered:
            return self._reject(request, 404, 10015, "Unknown webhook")
        problems = message_problems(body)
        if problems:
            return self._reject(request, 400, 50035, "Invalid Form Body: " + "; ".join(problems))
        m = self._new_message(ix["channel_id"], body, files, "followup")
        m["interaction_id"] = ix["id"]
        await self._record(m)
        return self._json(self._message_payload(m))

    async def _webhook_message(self, request: web.Request) -> Any:
        ix = self._interactions.get(request.match_info["token"])
        if ix is None:
            return self._reject(request, 404, 10015, "Unknown webhook")
        mid = request.match_info["mid"]
        target = ix.get("response_message") if mid == "@original" else None
        if mid != "@original":
            target = next((m for m in self.messages if m["id"] == mid), None)
        if target is None:
            return self._reject(request, 404, 10008, "Unknown message")
        if request.method == "DELETE":
            async with self._changed:
                self.messages.remove(target)
                self._changed.notify_all()
            return web.Response(status=204)
        if request.method == "PATCH":
            body, files = await self._body(request)
            problems = message_problems(body)
            if problems:
                return self._reject(
                    request, 400, 50035, "Invalid Form Body: " + "; ".join(problems)
                )
            self._edit(target["id"], body, files)
            await self._notify()
        return self._json(self._message_payload(target))

    # internals: gateway -------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, compressor: Any, payload: Any) -> None:
        data = json.dumps(payload).encode()
        await ws.send_bytes(compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH))

    async def _gateway(self, request: web.Request) -> Any:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if request.query.get("compress") != "zlib-stream":
            await ws.close(code=4000, message=b"this fake speaks zlib-stream only")
            return ws
        compressor = zlib.compressobj()
        await self._send(ws, compressor, {"op": 10, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, d = frame.get("op"), frame.get("d") or {}
                if op == 1:
                    await self._send(ws, compressor, {"op": 11})
                elif op in (2, 6):
                    if d.get("token") != self.token:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    if op == 6:  # RESUME: the shard of the session it resumes
                        shard = self._session_shards.get(d.get("session_id"), (0, 1))
                    else:
                        shard_id, count = d.get("shard") or [0, 1]
                        if not 0 <= shard_id < count:
                            await ws.close(code=4010, message=b"Invalid shard.")
                            break
                        shard = (shard_id, count)
                        self.identified.append({"shard": [*shard], "port": _local_port(request)})
                    port = _local_port(request)
                    await self._identified(ws, compressor, shard, port, resumed=op == 6)
        finally:
            self._sockets = [(w, c) for w, c in self._sockets if w is not ws]
            self._shards.pop(ws, None)
        return ws

    async def _identified(
        self,
        ws: web.WebSocketResponse,
        compressor: Any,
        shard: tuple[int, int],
        port: int,
        *,
        resumed: bool,
    ) -> None:
        self.identifies += 1
        self._sockets.append((ws, compressor))
        self._shards[ws] = shard
        self._seq += 1
        if resumed:
            await self._send(ws, compressor, {"op": 0, "t": "RESUMED", "s": self._seq, "d": {}})
            return
        session = f"session-{self.identifies}"
        self._session_shards[session] = shard
        mine = [g for g in self.guilds if self.shard_of(g, shard[1]) == shard[0]]
        ready = {
            "v": 10,
            "user": BOT,
            "session_id": session,
            "resume_gateway_url": self.gateway_url_at(port),
            "shard": [*shard],
            "guilds": [{"id": str(g), "unavailable": True} for g in mine],
            "application": {"id": str(APP_ID), "flags": 0},
        }
        await self._send(ws, compressor, {"op": 0, "t": "READY", "s": self._seq, "d": ready})
        for g in mine:
            self._seq += 1
            event = {"op": 0, "t": "GUILD_CREATE", "s": self._seq, "d": self._guild(g)}
            await self._send(ws, compressor, event)

    def _guild(self, guild: int) -> dict[str, Any]:
        channel = self.channel_of(guild)
        return {
            "id": str(guild),
            "name": "ML learners" if guild == self.guild_id else f"Server {guild}",
            "owner_id": "1",
            "unavailable": False,
            "member_count": 2,
            "roles": [{"id": str(guild), "name": "@everyone", "permissions": "0", "position": 0}],
            "channels": [{"id": str(channel), "type": 0, "name": "general", "position": 0}],
            "members": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "threads": [],
        }


def _local_port(request: web.Request) -> int:
    """The fake's port ``request`` came in on (see :meth:`FakeDiscord.listen`)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return int(sockname[1]) if sockname else 0

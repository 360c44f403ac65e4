"""A protocol-faithful fake Slack on 127.0.0.1, for the REAL slack-sdk and slack-bolt.

Usage::

    async with FakeSlack() as slack:               # binds an ephemeral loopback port
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        slack.add_user("U1", name="ada", tz="Europe/Berlin")
        await client.chat_postMessage(channel="C1", text="hi")
        assert slack.messages[-1].text == "hi"

What it serves
- Web API at ``slack.api_url`` (``/api/<method>``; GET query, form or JSON bodies):
  auth.test, chat.postMessage, chat.postEphemeral, chat.update, conversations.open,
  conversations.history (``include_all_metadata``), users.info, views.publish,
  apps.connections.open, and the file upload of Slack's docs in three steps:
  files.getUploadURLExternal (``filename`` + ``length`` -> ``upload_url`` + ``file_id``;
  ``length`` 0 -> ``missing_argument``), a POST of the bytes (raw or multipart) to that
  ``upload_url`` (HTTP 200, "OK - <bytes>"), files.completeUploadExternal (``files`` JSON
  ``[{"id", "title"}]``, ``channel_id``: shares the file there, recorded in ``files``
  and as a message via ``files.completeUploadExternal``; an id never issued or never
  uploaded -> ``file_not_found``; answers ``files: [{id, title, name, …}]``). Other
  methods answer ``unknown_method``.
- OAuth (several workspaces): :meth:`FakeSlack.add_team` registers a workspace; the
  browser's ``GET /oauth/v2/authorize`` (client id, scope, state, redirect_uri) is
  approved at once as the workspace named by ``installing`` and redirected to the
  redirect URL with a single-use ``code`` and the state; ``oauth.v2.access`` (client id
  and secret as HTTP Basic auth or form fields) exchanges the code for that workspace's
  bot token (with ``refresh_token`` + ``expires_in`` when the team has token rotation)
  or, with ``grant_type=refresh_token``, refreshes it. Every workspace has its own
  tokens; auth.test answers the token's workspace; :meth:`revoke` ends its tokens.
- ``response_url`` endpoints: :meth:`FakeSlack.new_response_url` (5 posts each).
- Socket Mode: ``apps.connections.open`` (app token) returns ``ws://…/socket``; on
  connect the fake sends ``hello``; :meth:`send_envelope` pushes an envelope and
  :meth:`wait_ack` returns the client's ack (``envelope_id`` + optional payload);
  an ack payload breaking Block Kit limits is recorded in ``ack_errors``.

What it enforces (answering exactly as Slack does: HTTP 200 with ``ok: false``)
- tokens: bot methods need ``bot_token`` or an installed workspace's token
  (``not_authed`` / ``invalid_auth`` /
  ``not_allowed_token_type``); apps.connections.open needs ``app_token``.
- scopes: each method needs its bot scope (:data:`SCOPE_OF`: files.* need
  ``files:write``, chat.* ``chat:write``, conversations.open ``im:write``, …); the
  token's scopes are ``scopes`` (all of careerbot's by default) -> ``missing_scope``
  with ``needed`` and ``provided``, as Slack answers.
- Block Kit limits (:func:`block_errors`): 50 blocks per message, 100 per view, header
  150, section text 3000, 10 fields of 2000, context 10 elements, actions 25 elements,
  button text 75, value 2000, action_id/block_id 255 and unique action ids ->
  ``invalid_blocks`` with ``errors``; a message without blocks needs ``text``.
- rate limits on chat.postMessage: ``channel_limit`` per channel and
  ``workspace_limit`` per workspace (the token's), each per ``rate_window`` seconds -> HTTP 429,
  ``Retry-After`` header, ``{"ok": false, "error": "ratelimited"}``.

Knobs and records
- ``add_user(id, name=, tz=, is_admin=)``; ``user_errors[user_id] = "cannot_dm_bot"``
  (also ``user_not_found`` / ``account_inactive``) fails conversations.open and posts
  to that DM; ``channel_errors[channel] = "not_in_channel"`` fails posts there.
- ``fail_next(method, status=429, error="ratelimited", retry_after=1, times=1)``.
- ``hold(method)``: calls of ``method`` are carried out at once (a message is posted)
  but answered only after :meth:`release` — a slow network or a busy Slack; ``held``
  counts the answers waiting.
- ``drop_next(method, times=1)``: the next calls of ``method`` are carried out (a
  message is posted) and then the connection is closed without an answer — Slack
  accepted the post and the network dropped the reply.
- ``calls`` (every Web API call: method, params, token), ``messages`` (every message
  posted by any route, with ``via``), ``views`` (views.publish), ``acks``.
- :meth:`wait_for` polls a predicate (no fixed sleeps in tests).

Request helpers for the app side: :func:`sign`, :func:`signed_headers`,
:func:`slash_command`, :func:`block_actions`, :func:`home_opened`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import math
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TEAM_ID = "T0CAREER"
TOKEN_AWARE = frozenset({"auth.test", "chat.postMessage"})  # answers depend on the workspace
# The bot scope each method needs (Slack's method pages, "Scopes: Bot token").
SCOPE_OF = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "conversations.open": "im:write",
    "conversations.history": "im:history",
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "users.profile.get": "users.profile:read",
    "dnd.info": "dnd:read",
}
SCOPES = frozenset(
    {
        "commands", "chat:write", "im:write", "im:history", "users:read", "files:write",
        "users.profile:read", "dnd:read",
    }
)  # fmt: skip
BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
BOT_USER_ID = "UCAREERBOT"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    via: str  # chat.postMessage, chat.postEphemeral, chat.update, response_url
    user: str | None = None  # the recipient of an ephemeral message
    metadata: dict[str, Any] | None = None
    response_type: str | None = None  # response_url posts: "ephemeral" / "in_channel"
    replace_original: bool = False
    url: str | None = None  # the response_url it came through


@dataclass
class SlackFile:
    """A file upload: issued by files.getUploadURLExternal, filled by the POST to its
    upload URL, shared by files.completeUploadExternal."""

    id: str
    filename: str
    length: int
    data: bytes | None = None  # None until the bytes arrive at the upload URL
    title: str | None = None
    channel: str | None = None  # where completeUploadExternal shared it
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int
    times: int
    team: str | None = None  # only calls with this workspace's tokens


@dataclass
class Team:
    """A workspace that can install the app (OAuth)."""

    id: str
    name: str
    rotation: bool = False  # token rotation: tokens expire, a refresh token renews them
    enterprise: str | None = None  # an org-wide Enterprise Grid install
    tokens: list[str] = field(default_factory=list)  # every bot token issued, newest last
    refresh_token: str | None = None


@dataclass
class _ResponseUrl:
    channel: str
    user: str
    uses: int = 0


@dataclass
class FakeSlack:
    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    team_id: str = TEAM_ID
    bot_user_id: str = BOT_USER_ID
    channel_limit: int | None = None  # chat.postMessage per channel per window
    workspace_limit: int | None = None  # chat.postMessage per workspace per window
    rate_window: float = 1.0
    calls: list[Call] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    views: list[dict[str, Any]] = field(default_factory=list)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    user_errors: dict[str, str] = field(default_factory=dict)
    channel_errors: dict[str, str] = field(default_factory=dict)
    response_posts: int = 0
    ack_errors: list[dict[str, Any]] = field(default_factory=list)
    client_id: str = "1111.2222"
    client_secret: str = "fake-client-secret"
    teams: dict[str, Team] = field(default_factory=dict)
    installing: str = ""  # the workspace the next browser at /oauth/v2/authorize approves
    redirect_url: str = ""  # where the authorize page sends the browser without redirect_uri
    expires_in: int = 43200  # seconds a rotating token lives (Slack: 12 hours)
    # the bot token's scopes (x-oauth-scopes; a method needing another answers missing_scope)
    scopes: set[str] = field(default_factory=lambda: set(SCOPES))
    dnd: dict[str, dict[str, Any]] = field(default_factory=dict)  # user -> dnd.info fields
    files: list[SlackFile] = field(default_factory=list)  # every upload, in order

    def __post_init__(self) -> None:
        self._failures: dict[str, _Failure] = {}
        self._posts: dict[str, deque[float]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._urls: dict[str, _ResponseUrl] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._ack_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self._held_methods: set[str] = set()
        self._drops: dict[str, int] = {}
        self._release = asyncio.Event()
        self.held = 0
        self.port = 0
        self._codes: dict[str, str] = {}  # code -> team id, single use
        self._token_teams: dict[str, str] = {}  # live bot token -> team id
        self._authorize_queries: list[dict[str, str]] = []

    # lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/v1/{key}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.release()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # addresses and knobs ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def add_user(
        self,
        user_id: str,
        *,
        name: str = "",
        tz: str | None = "UTC",
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name or user_id.lower(),
            "real_name": name or user_id,
            "tz": tz,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": False,
            "deleted": False,
        }

    def add_team(
        self, team_id: str, name: str, *, rotation: bool = False, enterprise: str | None = None
    ) -> Team:
        team = self.teams[team_id] = Team(team_id, name, rotation, enterprise)
        return team

    def team_of(self, token: str | None) -> str | None:
        """The workspace a (live) token belongs to; the default bot token's is team_id."""
        if token == self.bot_token:
            return self.team_id
        return self._token_teams.get(token or "")

    def revoke(self, team_id: str) -> None:
        """The workspace removed the app: its tokens stop working."""
        for token in self.teams[team_id].tokens:
            self._token_teams.pop(token, None)
        self.teams[team_id].refresh_token = None

    def calls_of(self, team_id: str, method: str | None = None) -> list[Call]:
        """The Web API calls made with one of ``team_id``'s tokens."""
        tokens = set(self.teams[team_id].tokens) if team_id in self.teams else {self.bot_token}
        return [c for c in self.calls if c.token in tokens and method in (None, c.method)]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        error: str = "ratelimited",
        retry_after: int = 1,
        times: int = 1,
        team: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (with ``team``'s tokens only, if given)
        fail (429 with Retry-After by default)."""
        self._failures[method] = _Failure(status, error, retry_after, times, team)

    def hold(self, method: str = "chat.postMessage") -> None:
        """Carry out calls of ``method`` at once but answer them only after :meth:`release`."""
        self._held_methods.add(method)
        self._release.clear()

    def drop_next(self, method: str = "chat.postMessage", *, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method``, then close the connection
        without answering (the client sees the server disconnect)."""
        self._drops[method] = times

    def release(self) -> None:
        """Answer every held call now; later calls are answered at once again."""
        self._held_methods.clear()
        self._release.set()

    def new_response_url(self, channel: str, user: str) -> str:
        key = f"R{next(self._ts):06d}"
        self._urls[key] = _ResponseUrl(channel, user)
        return f"{self.base_url}/respond/{key}"

    def api_calls(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def history(self, channel: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel and m.via != "chat.postEphemeral"]

    async def wait_for(
        self, predicate: Callable[[], Any], within: float = 5.0, what: str = "condition"
    ) -> Any:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            value = predicate()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"fake Slack: timed out waiting for {what}")
            await asyncio.sleep(0.005)

    # Socket Mode -----------------------------------------------------------------------

    @property
    def sockets(self) -> int:
        return sum(1 for ws in self._sockets if not ws.closed)

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> str:
        """Push an envelope (``slash_commands``, ``interactive``, ``events_api``)."""
        await self.wait_for(lambda: self.sockets, what="a Socket Mode connection")
        envelope_id = f"env-{next(self._ts):06d}"
        self._ack_waiters[envelope_id] = asyncio.get_running_loop().create_future()
        ws = [w for w in self._sockets if not w.closed][-1]
        await ws.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": accepts_response_payload,
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return envelope_id

    async def wait_ack(self, envelope_id: str, within: float = 5.0) -> dict[str, Any]:
        return await asyncio.wait_for(self._ack_waiters[envelope_id], within)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
                "connection_info": {"app_id": "ACAREERBOT"},
            }
        )
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            envelope_id = data.get("envelope_id")
            if envelope_id:
                payload = data.get("payload")
                if payload and (error := _message_error(payload, 50)):
                    self.ack_errors.append(error)  # Slack would drop this answer
                self.acks[envelope_id] = data
                waiter = self._ack_waiters.get(envelope_id)
                if waiter is not None and not waiter.done():
                    waiter.set_result(data)
        return ws

    # Web API ---------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        if method == "oauth.v2.access":
            self.calls.append(Call(method, dict(params), None))
            return _json(self._oauth_access(params, request.headers.get("Authorization", "")))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth else params.pop("token", None)
        self.calls.append(Call(method, params, token))
        failure = self._failures.get(method)
        if failure is not None and failure.team not in (None, self.team_of(token)):
            failure = None
        if failure is not None:
            failure.times -= 1
            if failure.times <= 0:
                del self._failures[method]
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            return _json({"ok": False, "error": failure.error}, failure.status, headers)
        want_app = method == "apps.connections.open"
        error = self._token_error(token, want_app)
        if error:
            return _json({"ok": False, "error": error})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return _json({"ok": False, "error": "unknown_method"})
        needed = SCOPE_OF.get(method)
        if needed is not None and needed not in self.scopes:
            provided = ",".join(sorted(self.scopes))
            return _json(
                {"ok": False, "error": "missing_scope", "needed": needed, "provided": provided}
            )
        result = handler(params, token) if method in TOKEN_AWARE else handler(params)
        if self._drops.get(method):
            self._drops[method] -= 1
            assert request.transport is not None
            request.transport.close()  # done, but the answer never leaves
            return web.Response(status=200)
        if method in self._held_methods:
            self.held += 1
            try:
                await self._release.wait()
            finally:
                self.held -= 1
        if isinstance(result, web.Response):
            return result
        # Slack names the token's scopes on every Web API answer
        return _json(result, headers={"x-oauth-scopes": ",".join(sorted(self.scopes))})

    def _token_error(self, token: str | None, want_app: bool) -> str | None:
        if not token:
            return "not_authed"
        if token.startswith("xapp-") != want_app and token in (self.app_token, self.bot_token):
            return "not_allowed_token_type"
        if not want_app and token in self._token_teams:
            return None
        if token != (self.app_token if want_app else self.bot_token):
            return "invalid_auth"
        return None

    # OAuth -----------------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.Response:
        """The browser at slack.com/oauth/v2/authorize: the user approves at once."""
        query = dict(request.query)
        self._authorize_queries.append(query)
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        team = self.teams.get(self.installing)
        if team is None:
            return web.Response(status=400, text="no workspace to install into")
        code = f"code-{team.id}-{next(self._ts):06d}"
        self._codes[code] = team.id
        target = query.get("redirect_uri") or self.redirect_url
        args = {"code": code, "state": query.get("state", "")}
        sep = "&" if "?" in target else "?"
        raise web.HTTPFound(target + sep + urllib.parse.urlencode(args))

    def _client_ok(self, params: dict[str, Any], auth: str) -> bool:
        client_id, secret = params.get("client_id"), params.get("client_secret")
        if auth.startswith("Basic "):
            raw = base64.b64decode(auth.removeprefix("Basic ").strip()).decode()
            client_id, _, secret = raw.partition(":")
        return client_id == self.client_id and secret == self.client_secret

    def _oauth_access(self, p: dict[str, Any], auth: str) -> dict[str, Any]:
        if not self._client_ok(p, auth):
            return {"ok": False, "error": "invalid_client_id"}
        if p.get("grant_type") == "refresh_token":
            refresh = str(p.get("refresh_token", ""))
            found = [
                t for t in self.teams.values() if t.refresh_token and t.refresh_token == refresh
            ]
            if not found:
                return {"ok": False, "error": "invalid_refresh_token"}
            return self._grant(found[0])
        team_id = self._codes.pop(str(p.get("code", "")), None)  # single use
        if team_id is None:
            return {"ok": False, "error": "invalid_code"}
        return self._grant(self.teams[team_id])

    def _grant(self, team: Team) -> dict[str, Any]:
        token = f"xoxb-{team.id}-{next(self._ts):06d}"
        team.tokens.append(token)
        self._token_teams[token] = team.id
        enterprise = {"id": team.enterprise, "name": "Org"} if team.enterprise else None
        out: dict[str, Any] = {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": ",".join(sorted(self.scopes)),
            "bot_user_id": self.bot_user_id,
            "app_id": "ACAREERBOT",
            "team": None if team.enterprise else {"id": team.id, "name": team.name},
            "enterprise": enterprise,
            "is_enterprise_install": bool(team.enterprise),
            "authed_user": {"id": "UINSTALLER"},
        }
        if team.rotation:
            team.refresh_token = f"xoxe-1-{team.id}-{next(self._ts):06d}"
            out.update(refresh_token=team.refresh_token, expires_in=self.expires_in)
        return out

    # methods ---------------------------------------------------------------------------

    def _m_auth_test(self, p: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        team = self.team_of(token) or self.team_id
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": self.teams[team].name if team in self.teams else "Fake Team",
            "user": "careerbot",
            "team_id": team,
            "user_id": self.bot_user_id,
            "bot_id": "BCAREERBOT",
            "is_enterprise_install": False,
        }

    def _m_apps_connections_open(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    def _m_users_info(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(p.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _m_users_profile_get(self, p: dict[str, Any]) -> dict[str, Any]:
        """users.profile.get (users.profile:read): the user's profile, custom status
        included (status_text, status_emoji, status_expiration)."""
        user = self.users.get(str(p.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        profile = {"status_text": "", "status_emoji": "", "status_expiration": 0}
        profile.update(user.get("profile") or {})
        return {"ok": True, "profile": profile}

    def _m_dnd_info(self, p: dict[str, Any]) -> dict[str, Any]:
        """dnd.info (dnd:read): dnd_enabled, next_dnd_start_ts, next_dnd_end_ts. As Slack
        documents, the snooze_* fields are only visible when the queried user is the
        token's own user — never for a bot asking about a person — and snooze_endtime /
        snooze_remaining only while snooze_enabled."""
        user = str(p.get("user", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        info: dict[str, Any] = {"dnd_enabled": False, "next_dnd_start_ts": 1, "next_dnd_end_ts": 1}
        info.update(self.dnd.get(user, {}))
        if user != self.bot_user_id:
            info = {k: v for k, v in info.items() if not k.startswith("snooze_")}
        elif not info.get("snooze_enabled"):
            info.pop("snooze_endtime", None)
            info.pop("snooze_remaining", None)
        return {"ok": True, **info}

    def _m_conversations_open(self, p: dict[str, Any]) -> dict[str, Any]:
        users = str(p.get("users", "")).split(",")
        if len(users) != 1 or not users[0]:
            return {"ok": False, "error": "invalid_arguments"}
        uid = users[0]
        if uid in self.user_errors:
            return {"ok": False, "error": self.user_errors[uid]}
        if uid not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": "D" + uid.removeprefix("U")}}

    def _m_conversations_history(self, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p.get("channel", ""))
        limit = int(p.get("limit", 100))
        with_meta = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        out = []
        for m in reversed(self.history(channel)):
            item: dict[str, Any] = {"type": "message", "ts": m.ts, "text": m.text}
            item["bot_id"] = "BCAREERBOT"
            if with_meta and m.metadata:
                item["metadata"] = m.metadata
            out.append(item)
        return {"ok": True, "messages": out[:limit], "has_more": len(out) > limit}

    def _dm_user(self, channel: str) -> str | None:
        if channel.startswith("D"):
            return "U" + channel[1:]
        return None

    def _post_error(self, channel: str) -> str | None:
        if channel in self.channel_errors:
            return self.channel_errors[channel]
        uid = self._dm_user(channel)
        if uid is not None and uid in self.user_errors:
            return self.user_errors[uid]
        if not channel:
            return "channel_not_found"
        return None

    def _m_chat_postMessage(
        self, p: dict[str, Any], token: str | None = None
    ) -> dict[str, Any] | web.Response:
        channel = str(p.get("channel", ""))
        error = self._post_error(channel) or _message_error(p, 50)
        if error:
            return error if isinstance(error, dict) else {"ok": False, "error": error}
        limited = self._rate_limited(channel, self.team_of(token) or self.team_id)
        if limited is not None:
            return limited
        msg = self._record(p, channel, "chat.postMessage")
        msg.metadata = _json_value(p.get("metadata"))
        return {"ok": True, "channel": channel, "ts": msg.ts, "message": {"text": msg.text}}

    def _m_chat_postEphemeral(self, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p.get("channel", ""))
        error = self._post_error(channel) or _message_error(p, 50)
        if error:
            return error if isinstance(error, dict) else {"ok": False, "error": error}
        msg = self._record(p, channel, "chat.postEphemeral")
        msg.user = str(p.get("user", ""))
        return {"ok": True, "message_ts": msg.ts}

    def _m_chat_update(self, p: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(p.get("channel", "")), str(p.get("ts", ""))
        if not any(m.channel == channel and m.ts == ts for m in self.messages):
            return {"ok": False, "error": "message_not_found"}
        error = _message_error(p, 50)
        if error:
            return error
        msg = self._record(p, channel, "chat.update")
        msg.ts = ts
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_views_publish(self, p: dict[str, Any]) -> dict[str, Any]:
        view = _json_value(p.get("view"))
        user_id = str(p.get("user_id", ""))
        if user_id not in self.users:
            return {"ok": False, "error": "user_not_found"}
        if not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        errors = block_errors(view.get("blocks", []), max_blocks=100)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        self.views.append({"user_id": user_id, "view": view})
        return {"ok": True, "view": {"id": f"V{next(self._ts):06d}", **view}}

    def _m_files_getUploadURLExternal(self, p: dict[str, Any]) -> dict[str, Any]:
        filename = str(p.get("filename") or "")
        length = str(p.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        if int(length) == 0:
            return {"ok": False, "error": "missing_argument"}
        file = SlackFile(f"F{next(self._ts):08d}", filename, int(length))
        self.files.append(file)
        url = f"http://127.0.0.1:{self.port}/upload/v1/{file.id}"
        return {"ok": True, "upload_url": url, "file_id": file.id}

    def _m_files_completeUploadExternal(self, p: dict[str, Any]) -> dict[str, Any]:
        wanted = _json_value(p.get("files"))
        if not isinstance(wanted, list) or not wanted:
            return {"ok": False, "error": "invalid_arguments"}
        found: list[tuple[SlackFile, dict[str, Any]]] = []
        for item in wanted:
            fid = item.get("id") if isinstance(item, dict) else None
            file = next((f for f in self.files if f.id == fid), None)
            if file is None or file.data is None or file.completed:
                return {"ok": False, "error": "file_not_found"}
            found.append((file, item))
        channel = str(p.get("channel_id") or "") or None
        if channel is not None and (error := self._post_error(channel)):
            return {"ok": False, "error": error}
        comment = str(p.get("initial_comment") or "") or None
        out = []
        for file, item in found:
            file.title = str(item.get("title") or file.filename)
            file.channel, file.initial_comment, file.completed = channel, comment, True
            if channel is not None:  # the share appears in the conversation
                self.messages.append(
                    Message(
                        channel, self._next_ts(), comment or "", [], "files.completeUploadExternal"
                    )
                )
            out.append(
                {
                    "id": file.id,
                    "name": file.filename,
                    "title": file.title,
                    "size": len(file.data or b""),
                    "channels": [channel] if channel and not channel.startswith("D") else [],
                    "ims": [channel] if channel and channel.startswith("D") else [],
                }
            )
        return {"ok": True, "files": out}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: the file's bytes, raw or as a multipart form part."""
        file = next((f for f in self.files if f.id == request.match_info["key"]), None)
        if file is None or file.data is not None:
            return web.Response(status=404, text="invalid upload url")
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next((v for v in form.values() if isinstance(v, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        if not data:
            return web.Response(status=400, text="no file data")
        file.data = data
        return web.Response(text=f"OK - {len(data)}")

    def _rate_limited(self, channel: str, team: str) -> web.Response | None:
        now = time.monotonic()
        checks = [
            (f"channel:{team}:{channel}", self.channel_limit),
            (f"workspace:{team}", self.workspace_limit),
        ]
        for key, limit in checks:
            if limit is None:
                continue
            window = self._posts[key]
            while window and now - window[0] >= self.rate_window:
                window.popleft()
            if len(window) >= limit:
                wait = max(1, math.ceil(self.rate_window - (now - window[0])))
                body = {"ok": False, "error": "ratelimited"}
                return _json(body, 429, {"Retry-After": str(wait)})
        for key, _ in checks:  # counted even while a limit is off, so turning it on is exact
            self._posts[key].append(now)
        return None

    def _record(self, p: dict[str, Any], channel: str, via: str) -> Message:
        blocks = _json_value(p.get("blocks")) or []
        msg = Message(channel, self._next_ts(), str(p.get("text", "")), blocks, via)
        self.messages.append(msg)
        return msg

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # response_url ----------------------------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        slot = self._urls.get(request.match_info["key"])
        if slot is None:
            return web.Response(status=404, text="no_such_url")
        if slot.uses >= 5:
            return web.Response(status=404, text="used_url")
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="invalid_payload")
        error = _message_error(body, 50)
        if error:
            return web.Response(status=400, text=json.dumps(error))
        slot.uses += 1
        self.response_posts += 1
        msg = Message(
            slot.channel,
            self._next_ts(),
            str(body.get("text", "")),
            body.get("blocks") or [],
            "response_url",
            user=slot.user,
            response_type=body.get("response_type"),
            replace_original=bool(body.get("replace_original")),
            url=str(request.url),
        )
        self.messages.append(msg)
        return web.Response(text="ok")


# validation ----------------------------------------------------------------------------


def _message_error(p: dict[str, Any], max_blocks: int) -> dict[str, Any] | None:
    blocks = _json_value(p.get("blocks"))
    text = str(p.get("text") or "")
    if not blocks and not text:
        return {"ok": False, "error": "no_text"}
    if len(text) > 40000:
        return {"ok": False, "error": "msg_too_long"}
    if blocks:
        errors = block_errors(blocks, max_blocks=max_blocks)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
    return None


def _text_error(where: str, obj: Any, kinds: tuple[str, ...], limit: int) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return [f"{where}: must be a text object of type {'/'.join(kinds)}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: text must be a non-empty string"]
    if len(text) > limit:
        return [f"{where}: text is {len(text)} characters, over {limit}"]
    return []


def block_errors(blocks: Any, *, max_blocks: int = 50) -> list[str]:
    """Slack's Block Kit limits as Slack reports them: one string per violation."""
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"{len(blocks)} blocks, over {max_blocks}")
    action_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if len(str(block.get("block_id", ""))) > 255 if isinstance(block, dict) else False:
            errors.append(f"{where}: block_id over 255")
        if kind == "header":
            errors += _text_error(where, block.get("text"), ("plain_text",), 150)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"{where}: a section needs text or fields")
            if "text" in block:
                errors += _text_error(where, block["text"], ("mrkdwn", "plain_text"), 3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                errors.append(f"{where}: {len(fields)} fields, over 10")
            for j, f in enumerate(fields):
                errors += _text_error(f"{where}.fields[{j}]", f, ("mrkdwn", "plain_text"), 2000)
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                errors.append(f"{where}: context needs 1 to 10 elements")
            for j, e in enumerate(elements):
                errors += _text_error(f"{where}.elements[{j}]", e, ("mrkdwn", "plain_text"), 3000)
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 25:
                errors.append(f"{where}: actions needs 1 to 25 elements")
            for j, e in enumerate(elements):
                at = f"{where}.elements[{j}]"
                errors += _text_error(at, e.get("text"), ("plain_text",), 75)
                aid = str(e.get("action_id", ""))
                if not aid or len(aid) > 255:
                    errors.append(f"{at}: action_id must be 1 to 255 characters")
                if aid in action_ids:
                    errors.append(f"{at}: duplicate action_id {aid[:40]!r}")
                action_ids.add(aid)
                if len(str(e.get("value", ""))) > 2000:
                    errors.append(f"{at}: value over 2000")
                if e.get("style") not in (None, "primary", "danger"):
                    errors.append(f"{at}: bad style")
        elif kind != "divider":
            errors.append(f"{where}: unsupported block type {kind!r}")
    return errors


# helpers -------------------------------------------------------------------------------


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            params.update(dict(await request.post()))
    return params


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Any:
    return web.json_response(body, status=status, headers=headers)


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature: v0= + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret, ts, body),
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command(
    text: str,
    *,
    response_url: str,
    user_id: str = "U1",
    user_name: str = "ada",
    channel_id: str = "C1",
    team_id: str = TEAM_ID,
    command: str = "/career",
) -> dict[str, str]:
    """The fields of a slash command (form body in HTTP mode, payload in Socket Mode)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "fake",
        "channel_id": channel_id,
        "channel_name": "directmessage" if channel_id.startswith("D") else "general",
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "ACAREERBOT",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{int(time.time())}.trigger",
    }


def form_body(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


def block_actions(
    value: str,
    *,
    action_id: str | None = None,
    response_url: str | None,
    user_id: str = "U1",
    user_name: str = "ada",
    channel_id: str | None = "C1",
    team_id: str = TEAM_ID,
    message_ts: str = "1700000000.000100",
    home: bool = False,
    is_ephemeral: bool = True,
) -> dict[str, Any]:
    """A block_actions payload for a click on a button whose ``value`` is ``value``.

    ``is_ephemeral=False``: the button sits on an ordinary message in ``channel_id``;
    Slack then also sends that ``message`` (it keeps no ephemeral ones, so sends none
    for those)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": "ACAREERBOT",
        "token": "legacy-verification-token",
        "team": {"id": team_id, "domain": "fake"},
        "trigger_id": f"{int(time.time())}.trigger",
        "actions": [
            {
                "type": "button",
                "action_id": action_id or f"career:{value}",
                "block_id": "b1",
                "text": {"type": "plain_text", "text": value[:75]},
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "team_id": team_id}
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        name = "directmessage" if str(channel_id).startswith("D") else "general"
        payload["channel"] = {"id": channel_id, "name": name}
        payload["response_url"] = response_url
        if not is_ephemeral:
            payload["message"] = {
                "type": "message",
                "subtype": "bot_message",
                "ts": message_ts,
                "bot_id": "BCAREERBOT",
                "user": BOT_USER_ID,
                "text": "",
            }
    return payload


def home_opened(user_id: str = "U1", team_id: str = TEAM_ID) -> dict[str, Any]:
    """An Events API body for app_home_opened (Home tab)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "ACAREERBOT",
        "type": "event_callback",
        "event_id": f"Ev{int(time.time() * 1000)}",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id.removeprefix("U"),
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        },
        "authorizations": [{"team_id": team_id, "user_id": BOT_USER_ID, "is_bot": True}],
    }

"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode (default) or HTTP mode.

It only converts: a Slack payload becomes a neutral :class:`~bot.core.requests.Request`,
``await core.respond(request)`` answers it, and :mod:`bot.platforms.slack.blocks`
renders the reply. Every listener acks first (Slack wants an answer within 3 s) and
works after the ack; any failure after that is logged and the user still gets a short
message.

- ``/career <text>``: the core's command text (Slack's ``&amp;``, ``&lt;``, ``&gt;``
  unescaped, so the core sees what the user typed); the reply goes back through the
  ``response_url`` (ephemeral, or ``in_channel`` when ``Reply.ephemeral`` is False).
- Buttons (``block_actions`` with ``action_id`` ``career:…``): the button's ``value``
  is the command, so a click on an old message works after a restart. A reply with
  ``replace`` updates the clicked message only when that message is the clicker's own:
  an ephemeral one, or one in the clicker's DM with the bot (``conversations.open``
  names it; a DM between two people is shared). A shared message is never rewritten:
  the answer comes as a new ephemeral message to the clicker.
- ``app_home_opened``: the ``progress`` reply published as the Home tab; clicks there
  re-publish the Home tab with the answer and a way back to the dashboard.
- A reply with an attachment (``export``, ``roadmap export``, ``progress export``): the
  file is uploaded (``files_upload_v2``: files.getUploadURLExternal, the bytes to its
  upload URL, files.completeUploadExternal) into the user's DM with the bot, and the
  answer says so ("sent to your DMs", or "in this conversation" from that DM). Without
  the ``files:write`` scope (``missing_scope``) the file comes as code blocks with one
  line saying why; any other failure, as code blocks.
- HTTP mode: ``POST /slack/events`` (signature checked by bolt: 401 when it is missing,
  wrong or older than 5 minutes) and ``GET /healthz``.
- OAuth mode (``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET``, HTTP mode): any number of
  workspaces install careerbot through ``GET /slack/install`` and
  ``GET /slack/oauth_redirect`` (bolt's ``AsyncOAuthFlow`` with the stores of
  :mod:`bot.platforms.slack.oauth`); bolt's authorize gives every request its
  workspace's bot token, and every Web API call of a listener goes through bolt's
  per-request ``client``; the messenger looks the token up per send. ``app_uninstalled``
  and ``tokens_revoked`` (bot) delete the workspace's tokens and suspend its deliveries;
  its users are purged after ``CAREERBOT_UNINSTALL_GRACE_DAYS`` unless it comes back
  (checked at start and every ``PURGE_INTERVAL``; ``careerbot tenants purge`` too).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import replace
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import ConfigError
from bot.core.app import Core
from bot.core.replies import Reply
from bot.core.requests import Request, User
from bot.logs import redact_url
from bot.platforms.slack.blocks import escape, home_view, render, unescape
from bot.platforms.slack.messenger import SlackMessenger
from bot.platforms.slack.oauth import (
    ENTERPRISE_REFUSED,
    DbInstallationStore,
    DbStateStore,
    EnterpriseInstallRefused,
    Sealer,
    Tokens,
)
from bot.platforms.slack.settings import SlackSettings
from bot.platforms.slack.tenants import purge
from bot.platforms.slack.users import Profiles

log = logging.getLogger(__name__)

COMMAND = "/career"
ACTIONS = re.compile(r"^career:")
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# the bot scopes an install asks for (deploy/slack-manifest.oauth.yaml lists the same)
SCOPES = (
    "commands", "chat:write", "im:write", "im:history", "users:read",
    "files:write",  # exports as files
    "users.profile:read", "dnd:read",  # away-skip: status emoji and Do Not Disturb
)  # fmt: skip
FILE_SCOPE = "files:write"  # uploads (exports as files)
AWAY_SCOPES = frozenset({"users.profile:read", "dnd:read"})
STATE_SECONDS = 600  # an install must finish within 10 minutes of opening the page
PURGE_INTERVAL = 3600.0  # seconds between looks for uninstalled workspaces to purge
# A /career answer ready within this many seconds goes back in the ack itself (one round
# trip less); slower ones are acked empty at once and answered through the response_url.
# Slack's deadline for the ack is 3 s.
INLINE_BUDGET = 1.0
SORRY = "Sorry, that answer could not be delivered. It has been logged; please try again."
SENT_TO_DM = "📎 Sent {filename} to your direct messages with careerbot."
SENT_HERE = "📎 {filename} is in this conversation."
NEEDS_FILES_WRITE = (
    "careerbot needs the files:write permission to send files (a workspace admin can add "
    "it and reinstall the app), so here it is as text."
)
WEB_ERRORS = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError)


class SlackAdapter:
    name = "slack"

    def __init__(
        self,
        settings: SlackSettings,
        core: Core,
        *,
        http: bool | None = None,
        host: str | None = None,
        port: int | None = None,
    ) -> None:
        self.settings = settings
        self.core = core
        self.oauth = settings.oauth
        if http is None:
            http = not settings.slack_app_token and bool(settings.slack_signing_secret)
        self.http = http or self.oauth  # the install pages need the HTTP server
        token = None if self.oauth else settings.slack_bot_token
        self.host = host or settings.http_host
        self.port = settings.http_port if port is None else port
        self.client = AsyncWebClient(
            token=token,
            base_url=_base_url(settings.slack_api_url),
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            ],
        )
        # The messenger's client retries nothing: the delivery layer paces its sends (it
        # sees the 429s) and dedups a resend by key (a dropped answer is not a lost post).
        self.messenger = SlackMessenger(
            AsyncWebClient(token=token, base_url=self.client.base_url, retry_handlers=[])
        )
        self.installations: DbInstallationStore | None = None  # OAuth mode, from start()
        self.profiles = Profiles(self.client)  # users.info: the interactive, retrying client
        self.app: AsyncApp | None = None
        self.team_id = ""
        self.inline_budget = INLINE_BUDGET
        self._session: aiohttp.ClientSession | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._own_dms: dict[tuple[str, str], str] = {}  # (team, user) -> the bot's DM
        self._purger: asyncio.Task[None] | None = None
        # the bot token's scopes (auth.test's x-oauth-scopes); None: not known (OAuth
        # installs ask for SCOPES)
        self.scopes: frozenset[str] | None = None

    # lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the tokens (auth.test), then connect; ConfigError names a bad setting."""
        self._check_settings()
        self._session = aiohttp.ClientSession()
        self.client.session = self._session
        self.messenger.client.session = self._session
        if self.oauth:
            await self._start_oauth()
            return
        try:
            auth = await self.client.auth_test()
        except SlackApiError as exc:
            await self.close()
            code = exc.response.get("error", "error")
            raise ConfigError(f"SLACK_BOT_TOKEN: Slack rejected the bot token ({code})") from exc
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            # ValueError: a URL aiohttp refuses, e.g. with user:pass@ (slack-sdk sends
            # its own Authorization header)
            await self.close()
            url = self.client.base_url  # a proxy's user:pass@ or ?key= never reaches the log
            detail = str(exc).replace(url, redact_url(url))
            raise ConfigError(
                f"SLACK_API_URL: cannot reach Slack at {redact_url(url)} ({detail})"
            ) from None
        self.team_id = str(auth.get("team_id") or "")
        self.scopes = _granted(auth.headers)
        self.app = self.build_app()
        if self.http:
            await self._start_http(self.app)
        else:
            await self._start_socket(self.app)
        log.info("Slack adapter ready (%s mode, team %s)", self.mode, self.team_id)

    async def _start_oauth(self) -> None:
        """OAuth mode: check the key against the stored installations, then serve."""
        try:
            sealer = Sealer(self.settings.secret_key)
            self.installations = DbInstallationStore(self.core.store, sealer, clock=self.core.clock)
            teams = await self.installations.check_key()
        except ConfigError:
            await self.close()
            raise
        rotator = AsyncTokenRotator(
            client_id=self.settings.slack_client_id,
            client_secret=self.settings.slack_client_secret,
            client=self._rotation_client(),
        )
        self.messenger.tokens = Tokens(
            self.installations,
            rotator,
            minutes_before_expiration=self.settings.token_rotation_minutes,
        )
        self.app = self.build_app()
        await self._start_http(self.app)
        self._purger = asyncio.create_task(self._purge_loop())
        log.info("Slack adapter ready (OAuth, http mode, %d workspaces installed)", teams)

    def _rotation_client(self) -> AsyncWebClient:
        """oauth.v2.access for token refreshes (client id/secret auth, no bot token)."""
        client = AsyncWebClient(base_url=self.client.base_url, retry_handlers=[])
        client.session = self._session
        return client

    async def _purge_loop(self) -> None:
        """Purge the workspaces whose grace period is over, now and every hour. Every
        replica may do it: deleting what is already gone changes nothing."""
        while True:
            try:
                await purge(self.core.store, self.core.clock(), self.settings.uninstall_grace_days)
            except Exception:
                log.exception("purging uninstalled Slack workspaces failed")
            await asyncio.sleep(PURGE_INTERVAL)

    async def close(self) -> None:
        """Stop taking requests, then close the session the messenger shares: ``careerbot
        run`` calls this only after the daily-tip sends have finished or been cancelled."""
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger
            self._purger = None
        try:
            if self._socket is not None:
                try:
                    await self._socket.close_async()  # type: ignore[no-untyped-call]
                except Exception:
                    log.exception("closing the Slack Socket Mode connection failed")
                self._socket = None
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = self._site = None
        finally:  # also when the caller's time limit cuts the steps above short
            if self._session is not None:
                session, self._session = self._session, None
                await session.close()

    @property
    def mode(self) -> str:
        return "http" if self.http else "socket"

    @property
    def connected(self) -> bool:
        if self._site is not None:
            return True
        client = self._socket.client if self._socket else None
        session = client.current_session if client else None
        return bool(client and not client.closed and session is not None and not session.closed)

    @property
    def bound_port(self) -> int | None:
        """HTTP mode: the port actually bound (useful with port 0)."""
        server = self._site._server if self._site else None
        sockets = getattr(server, "sockets", None)
        return int(sockets[0].getsockname()[1]) if sockets else None

    def _check_settings(self) -> None:
        s = self.settings
        if self.oauth:
            if not s.slack_signing_secret:
                raise ConfigError("SLACK_SIGNING_SECRET is not set: OAuth mode needs it")
            if s.slack_bot_token:
                raise ConfigError(
                    "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: unset SLACK_BOT_TOKEN "
                    "for OAuth mode (each workspace's token comes from its install)"
                )
            return
        if not s.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…)")
        if not s.slack_bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be the bot token starting with xoxb-")
        if self.http:
            if not s.slack_signing_secret:
                raise ConfigError("SLACK_SIGNING_SECRET is not set: HTTP mode needs it")
        elif not s.slack_app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…); "
                "or set SLACK_SIGNING_SECRET and run with --http"
            )
        elif not s.slack_app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be the app-level token starting with xapp-")

    async def _start_socket(self, app: AsyncApp) -> None:
        handler = AsyncSocketModeHandler(app, app_token=self.settings.slack_app_token)
        self._socket = handler
        try:
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
        except SlackApiError as exc:
            await self.close()
            code = exc.response.get("error", "error")
            raise ConfigError(
                f"SLACK_APP_TOKEN: Slack rejected the app-level token ({code}); "
                "it needs the connections:write scope"
            ) from exc
        await handler.connect_async()  # type: ignore[no-untyped-call]

    async def _start_http(self, app: AsyncApp) -> None:
        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, self._http_events)
        web_app.router.add_get("/healthz", self._healthz)
        if app.oauth_flow is not None:
            web_app.router.add_get(INSTALL_PATH, self._http_install)
            web_app.router.add_get(REDIRECT_PATH, self._http_redirect)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self.close()
            raise ConfigError(
                f"CAREERBOT_HTTP_PORT: cannot listen on {self.host}:{self.port} ({exc})"
            ) from exc
        self._site = site

    async def _http_events(self, request: web.Request) -> web.Response:
        assert self.app is not None
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def _http_install(self, request: web.Request) -> web.Response:
        assert self.app is not None and self.app.oauth_flow is not None
        answer = await self.app.oauth_flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(answer)

    async def _http_redirect(self, request: web.Request) -> web.Response:
        assert self.app is not None and self.app.oauth_flow is not None
        answer = await self.app.oauth_flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(answer)

    async def _healthz(self, request: web.Request) -> web.Response:
        ok = self.connected
        body = {"ok": ok, "platform": "slack", "mode": self.mode}
        return web.json_response(body, status=200 if ok else 503)

    # the bolt app ----------------------------------------------------------------------

    def build_app(self) -> AsyncApp:
        """A fresh AsyncApp with careerbot's listeners (no state outside the payloads)."""
        app = AsyncApp(
            client=self.client,
            signing_secret=self.settings.slack_signing_secret,
            request_verification_enabled=self.http,
            oauth_flow=self._oauth_flow() if self.oauth else None,
            installation_store_bot_only=True if self.oauth else None,
            name="careerbot",
        )
        app.command(COMMAND)(self._on_command)
        app.action(ACTIONS)(self._on_action)
        app.event("app_home_opened")(self._on_home_opened)
        if self.oauth:
            app.event("app_uninstalled")(self._on_uninstalled)
            app.event("tokens_revoked")(self._on_tokens_revoked)
        app.error(self._on_error)
        return app

    def _oauth_flow(self) -> AsyncOAuthFlow:
        s, store = self.settings, self.installations
        assert store is not None
        settings = AsyncOAuthSettings(
            client_id=s.slack_client_id,
            client_secret=s.slack_client_secret,
            scopes=list(SCOPES),
            user_scopes=[],
            redirect_uri=s.slack_redirect_uri or None,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            authorization_url=_authorize_url(self.client.base_url),
            installation_store=store,
            installation_store_bot_only=True,
            token_rotation_expiration_minutes=s.token_rotation_minutes,
            state_store=DbStateStore(self.core.store, expiration_seconds=STATE_SECONDS),
            state_expiration_seconds=STATE_SECONDS,
            callback_options=AsyncCallbackOptions(
                success=self._installed, failure=self._install_failed
            ),
            logger=log,
        )
        # bolt's default authorize refreshes tokens against slack.com: give it ours
        settings.authorize = AsyncInstallationStoreAuthorize(
            logger=log,
            installation_store=store,
            client_id=s.slack_client_id,
            client_secret=s.slack_client_secret,
            token_rotation_expiration_minutes=s.token_rotation_minutes,
            bot_only=True,
            client=self._rotation_client(),
        )
        return AsyncOAuthFlow(client=self.client, logger=log, settings=settings)

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        return await args.default.success(args)

    async def _install_failed(self, args: AsyncFailureArgs) -> BoltResponse:
        if isinstance(args.error, EnterpriseInstallRefused):
            return BoltResponse(
                status=400,
                body=_page("careerbot was not installed", ENTERPRISE_REFUSED),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        log.warning("a Slack install failed: %s", args.reason)
        return await args.default.failure(args)

    async def _on_uninstalled(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await self._leave(str(body.get("team_id") or ""), "app_uninstalled")

    async def _on_tokens_revoked(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        tokens = (body.get("event") or {}).get("tokens") or {}
        if tokens.get("bot"):  # user tokens: careerbot keeps none
            await self._leave(str(body.get("team_id") or ""), "tokens_revoked")

    async def _leave(self, team: str, why: str) -> None:
        if not team or self.installations is None:
            return
        suspended = await self.installations.uninstall(team)
        self._own_dms = {k: v for k, v in self._own_dms.items() if k[0] != team}
        log.info(
            "Slack workspace %s left (%s): tokens deleted, %d subscriptions suspended",
            team,
            why,
            suspended,
        )

    async def _on_command(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """Answer inside the ack when the core is quick; else ack empty, answer later."""
        channel = str(body.get("channel_id") or "")
        user_id = str(body.get("user_id") or "")
        work = asyncio.ensure_future(self._command_reply(body, client))
        done, _ = await asyncio.wait({work}, timeout=self.inline_budget)
        if work in done and work.exception() is None and work.result().attachment is None:
            pages = render(work.result())
            if len(pages) == 1:  # the whole answer fits in the HTTP / envelope response
                reply = work.result()
                await ack(
                    text=pages[0]["text"],
                    blocks=pages[0]["blocks"],
                    response_type="ephemeral" if reply.ephemeral else "in_channel",
                )
                return
        await ack()
        try:
            reply = await work
            team = str(body.get("team_id") or self.team_id)
            await self._respond(
                client, respond, reply, replace=False, channel=channel, user_id=user_id, team=team
            )
        except Exception:
            log.exception("/career failed after the ack")
            await self._apologise(client, respond, channel, user_id)

    async def _command_reply(self, body: dict[str, Any], client: AsyncWebClient) -> Reply:
        request = await self._request(
            team=str(body.get("team_id") or self.team_id),
            user_id=str(body.get("user_id") or ""),
            user_name=str(body.get("user_name") or ""),
            channel_id=str(body.get("channel_id") or ""),
            text=unescape(str(body.get("text") or "")),
            via_button=False,
            client=client,
        )
        return await self.core.respond(request)

    async def _on_action(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        command = str(action.get("value") or action.get("action_id", "")).removeprefix("career:")
        user = body.get("user") or {}
        team = str((body.get("team") or {}).get("id") or user.get("team_id") or self.team_id)
        container = body.get("container") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        user_id = str(user.get("id") or "")
        try:
            request = await self._request(
                team=team,
                user_id=user_id,
                user_name=str(user.get("username") or user.get("name") or ""),
                channel_id=channel or None,
                text=command,
                via_button=True,
                client=client,
            )
            reply = await self.core.respond(request)
            if container.get("type") == "view":
                await self._publish_home(client, user_id, reply, dashboard=command == "progress")
                return
            personal = await self._is_personal(client, container, team, user_id, channel)
            await self._respond(
                client,
                respond,
                reply,
                replace=reply.replace and personal,
                channel=channel,
                user_id=user_id,
                team=team,
            )
        except Exception:
            log.exception("a button click failed after the ack")
            await self._apologise(client, respond, channel, user_id)

    async def _on_home_opened(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        event = body.get("event") or {}
        if event.get("tab") != "home":
            return
        user_id = str(event.get("user") or "")
        try:
            request = await self._request(
                team=str(body.get("team_id") or self.team_id),
                user_id=user_id,
                user_name="",
                channel_id=None,
                text="progress",
                via_button=False,
                client=client,
            )
            reply = await self.core.respond(request)
            await self._publish_home(client, user_id, reply, dashboard=True)
        except Exception:
            log.exception("publishing the App Home failed")

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("Slack request failed in bolt: %s: %s", type(error).__name__, error)

    # conversion and delivery -----------------------------------------------------------

    async def _is_personal(
        self,
        client: AsyncWebClient,
        container: dict[str, Any],
        team: str,
        user_id: str,
        channel: str,
    ) -> bool:
        """Whether the clicked message is the clicker's alone, so an answer may replace
        it: an ephemeral message, or one in the clicker's own DM with the bot. Anything
        else (a channel, a group DM, a DM between two people) is shared."""
        if container.get("is_ephemeral"):
            return True
        if not channel.startswith("D") or not user_id:
            return False
        try:
            own = await self._own_dm(client, team, user_id)
        except WEB_ERRORS as exc:
            log.warning("conversations.open failed; answering privately: %s", _code(exc))
            return False
        return channel == own

    async def _own_dm(self, client: AsyncWebClient, team: str, user_id: str) -> str:
        """The id of the user's DM with the bot (conversations.open, remembered)."""
        key = (team, user_id)
        own = self._own_dms.get(key)
        if own is None:
            resp = await client.conversations_open(users=user_id)
            own = self._own_dms[key] = str((resp.get("channel") or {}).get("id") or "")
        return own

    async def _send_file(
        self, client: AsyncWebClient, reply: Reply, *, channel: str, user_id: str, team: str
    ) -> Reply:
        """Upload the reply's attachment into the user's DM with the bot; the reply to
        show instead: what was sent where, or (upload impossible) the file as text."""
        att = reply.attachment
        if att is None or not user_id:
            return reply
        try:
            dm = await self._own_dm(client, team, user_id)
            await client.files_upload_v2(
                channel=dm, content=att.content, filename=att.filename, title=reply.title
            )
        except SlackApiError as exc:
            log.warning("uploading %s failed: %s", att.filename, _code(exc))
            if exc.response.get("error") == "missing_scope" and FILE_SCOPE in str(
                exc.response.get("needed") or ""
            ):
                return replace(reply, notices=(*reply.notices, NEEDS_FILES_WRITE))
            return reply
        except (TimeoutError, SlackRequestError, aiohttp.ClientError) as exc:
            log.warning("uploading %s failed: %s", att.filename, type(exc).__name__)
            return reply
        sent = (SENT_HERE if channel == dm else SENT_TO_DM).format(filename=att.filename)
        body = f"{reply.body}\n{sent}" if reply.body else sent
        return replace(reply, body=body, attachment=None)

    async def _request(
        self,
        *,
        team: str,
        user_id: str,
        user_name: str,
        channel_id: str | None,
        text: str,
        via_button: bool,
        client: AsyncWebClient,
    ) -> Request:
        profile = await self.profiles.get(team, user_id, client)
        name = user_name or (profile.name if profile else "")
        return Request(
            user=User(platform="slack", tenant=team, user_id=user_id, display_name=name),
            text=text,
            channel_id=channel_id,
            is_dm=channel_id is None or channel_id.startswith("D"),
            via_button=via_button,
            is_admin=bool(profile and profile.is_admin),
            tz_hint=profile.tz if profile else None,
            away_check="ok"
            if self.scopes is None or self.scopes >= AWAY_SCOPES
            else "missing_scope",
        )

    async def _respond(
        self,
        client: AsyncWebClient,
        respond: AsyncRespond,
        reply: Reply,
        *,
        replace: bool,
        channel: str,
        user_id: str,
        team: str,
    ) -> None:
        """Send the pages through the response_url; chat.postEphemeral if that fails.
        An attachment goes to the user's DM as a file first (:meth:`_send_file`)."""
        if reply.attachment is not None:
            reply = await self._send_file(
                client, reply, channel=channel, user_id=user_id, team=team
            )
        response_type = "ephemeral" if reply.ephemeral else "in_channel"
        for i, page in enumerate(render(reply)):
            replace_page = replace and i == 0
            if respond.response_url:
                answer = await respond(
                    text=page["text"],
                    blocks=page["blocks"],
                    response_type=None if replace_page else response_type,
                    replace_original=replace_page,
                    unfurl_links=False,
                    unfurl_media=False,
                )
                if answer.status_code == 200:
                    continue
                log.warning("response_url answered %s: %s", answer.status_code, answer.body[:200])
            await self._post_ephemeral(client, channel, user_id, page)

    async def _post_ephemeral(
        self, client: AsyncWebClient, channel: str, user_id: str, page: dict[str, Any]
    ) -> None:
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user_id, text=page["text"], blocks=page["blocks"]
            )
        except WEB_ERRORS as exc:
            log.warning("chat.postEphemeral failed: %s", _code(exc))
            raise

    async def _apologise(
        self, client: AsyncWebClient, respond: AsyncRespond, channel: str, user_id: str
    ) -> None:
        try:
            if respond.response_url:
                answer = await respond(text=escape(SORRY), response_type="ephemeral")
                if answer.status_code == 200:
                    return
            await client.chat_postEphemeral(channel=channel, user=user_id, text=escape(SORRY))
        except Exception as exc:
            log.error("could not even apologise to a Slack user: %s", _code(exc))

    async def _publish_home(
        self, client: AsyncWebClient, user_id: str, reply: Reply, *, dashboard: bool
    ) -> None:
        try:
            await client.views_publish(user_id=user_id, view=home_view(reply, dashboard=dashboard))
        except WEB_ERRORS as exc:
            log.warning("views.publish failed: %s", _code(exc))


def _granted(headers: Any) -> frozenset[str] | None:
    """The scopes Slack names in an answer's x-oauth-scopes header; None when absent."""
    for name, value in (headers or {}).items():
        if name.lower() == "x-oauth-scopes":
            raw = value[0] if isinstance(value, list) else value
            return frozenset(s.strip() for s in str(raw).split(",") if s.strip())
    return None


def _base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _authorize_url(api_url: str) -> str:
    """Slack's authorize page beside its Web API: https://slack.com/api/ ->
    https://slack.com/oauth/v2/authorize (GovSlack and proxies alike)."""
    return api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def _page(title: str, text: str) -> str:
    from html import escape as html_escape

    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html_escape(title)}</title>"
        f"</head><body><h1>{html_escape(title)}</h1><p>{html_escape(text)}</p></body></html>"
    )


def _code(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__

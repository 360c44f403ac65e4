"""Slack OAuth mode: installations in careerbot's own database, tokens encrypted at rest.

bolt's async OAuth flow (``AsyncOAuthFlow``) runs ``GET /slack/install`` and
``GET /slack/oauth_redirect``; it keeps what it learns through the two stores here:

- :class:`DbInstallationStore` (an ``AsyncInstallationStore``): one installation per
  workspace, the bot's part only (careerbot asks for no user scopes), stored through the
  store's :class:`~bot.core.ports.Installations` as a Fernet token (AES-128-CBC +
  HMAC-SHA256, from ``cryptography``) of its JSON under ``CAREERBOT_SECRET_KEY``. The
  database alone never shows a token. An Enterprise Grid org-wide install is refused.
- :class:`DbStateStore` (an ``AsyncOAuthStateStore``): random single-use states with an
  expiry; a forged, expired or replayed state is refused (bolt answers the browser).
- :class:`Tokens`: the bot token of a workspace for the daily sends, refreshed first
  (bolt's ``AsyncTokenRotator``) when token rotation is on and it expires soon.

Why Fernet: authenticated encryption with a key that is one printable string, versioned
tokens, and ``MultiFernet.rotate`` for ``careerbot secrets rotate-key``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from bot.config import ConfigError
from bot.core.ports import Store, UnitOfWork

log = logging.getLogger(__name__)

PLATFORM = "slack"
NO_KEY = (
    "CAREERBOT_SECRET_KEY is not set: Slack OAuth mode stores the workspaces' tokens "
    "encrypted with it (create one with 'careerbot secrets new-key', and back it up)"
)
BAD_KEY = (
    "CAREERBOT_SECRET_KEY is not a valid key: it must be 32 url-safe base64-encoded bytes "
    "(create one with 'careerbot secrets new-key')"
)
WRONG_KEY = (
    "CAREERBOT_SECRET_KEY cannot decrypt the stored Slack installations (workspace {team}): "
    "it is not the key they were saved with; restore the right key from your backup"
)
ENTERPRISE_REFUSED = (
    "careerbot cannot be installed org-wide on an Enterprise Grid organization. "
    "Install it into each workspace instead (an org admin can remove the org-wide install "
    "under Manage apps)."
)
# the Bot fields careerbot keeps (the sealed JSON)
BOT_FIELDS = (
    "app_id",
    "enterprise_id",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "installed_at",
)


class EnterpriseInstallRefused(BoltError):
    """An org-wide Enterprise Grid install: bolt's flow fails it as a storage error."""


def new_key() -> str:
    return Fernet.generate_key().decode()


def fernet(key: str, *, name: str = "CAREERBOT_SECRET_KEY") -> Fernet:
    if not key:
        raise ConfigError(NO_KEY.replace("CAREERBOT_SECRET_KEY", name))
    try:
        return Fernet(key.strip().encode())
    except (ValueError, TypeError):
        raise ConfigError(BAD_KEY.replace("CAREERBOT_SECRET_KEY", name)) from None


class Sealer:
    """Encrypts and decrypts installations with the key (Fernet)."""

    def __init__(self, key: str) -> None:
        self._fernet = fernet(key)

    def seal(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(data, sort_keys=True).encode()).decode()

    def open(self, sealed: str) -> dict[str, Any]:
        """The data; raises ``cryptography.fernet.InvalidToken`` for another key."""
        value: dict[str, Any] = json.loads(self._fernet.decrypt(sealed.encode()))
        return value


def reseal_all(store_rows: list[tuple[str, str]], old: str, new: str) -> list[tuple[str, str]]:
    """Every (tenant, sealed) re-encrypted under ``new``; ConfigError if ``old`` is wrong."""
    both = MultiFernet([fernet(new, name="CAREERBOT_NEW_SECRET_KEY"), fernet(old)])
    current = fernet(old)
    out = []
    for tenant, sealed in store_rows:
        try:
            current.decrypt(sealed.encode())
        except InvalidToken:
            raise ConfigError(WRONG_KEY.format(team=tenant)) from None
        out.append((tenant, both.rotate(sealed.encode()).decode()))
    return out


def bot_data(bot: Bot) -> dict[str, Any]:
    data = {name: getattr(bot, name) for name in BOT_FIELDS}
    data["bot_scopes"] = ",".join(bot.bot_scopes or [])
    return data


class DbInstallationStore(AsyncInstallationStore):
    """bolt's installation store on careerbot's database (bot installations only)."""

    def __init__(
        self, store: Store, sealer: Sealer, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        self.sealer = sealer
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def logger(self) -> logging.Logger:
        return log

    async def check_key(self) -> int:
        """Open every stored installation: ConfigError when the key is not theirs.
        Returns how many workspaces are installed."""
        rows = await self.store.run(lambda tx: tx.installations.all_sealed(PLATFORM))
        for team, sealed in rows:
            try:
                self.sealer.open(sealed)
            except InvalidToken:
                raise ConfigError(WRONG_KEY.format(team=team)) from None
        return len(rows)

    async def async_save(self, installation: Installation) -> None:
        if installation.is_enterprise_install or not installation.team_id:
            log.warning(
                "refused an org-wide Enterprise Grid install (%s)", installation.enterprise_id
            )
            raise EnterpriseInstallRefused(ENTERPRISE_REFUSED)
        bot = installation.to_bot()
        if bot is None:  # no bot token: careerbot asks for bot scopes, so this is no install
            raise BoltError("the install returned no bot token")
        sealed = self.sealer.seal(bot_data(bot))
        team, name, now = installation.team_id, installation.team_name or "", self._clock()
        resumed = await self.store.run(
            lambda tx: tx.installations.install(PLATFORM, team, name, sealed, now)
        )
        log.info("installed into Slack workspace %s (%d subscriptions resumed)", team, resumed)

    async def async_save_bot(self, bot: Bot) -> None:
        """A refreshed token (rotation): replaces the sealed data of an active install."""
        if not bot.team_id:
            return
        sealed, team = self.sealer.seal(bot_data(bot)), bot.team_id
        await self.store.run(lambda tx: tx.installations.reseal(PLATFORM, team, sealed))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        if not team_id or is_enterprise_install:
            return None
        team = team_id
        sealed = await self.store.run(lambda tx: tx.installations.sealed(PLATFORM, team))
        if sealed is None:
            return None
        try:
            return Bot(**self.sealer.open(sealed))
        except InvalidToken:  # the key changed under a running bot: say so, not the token
            log.error("cannot decrypt the installation of workspace %s: wrong key", team)
            return None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if user_id is not None:
            return None  # careerbot keeps no user tokens
        bot = await self.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is None:
            return None
        return Installation(
            user_id="",
            **{k: v for k, v in bot_data(bot).items() if k != "bot_scopes"},
            bot_scopes=bot.bot_scopes,
        )

    async def uninstall(self, team_id: str) -> int:
        """Delete the workspace's tokens and suspend its deliveries at once."""
        now = self._clock()

        def leave(tx: UnitOfWork) -> int:
            return tx.installations.uninstall(PLATFORM, team_id, now)

        return await self.store.run(leave)

    async def async_delete_bot(
        self, *, enterprise_id: str | None, team_id: str | None, **kwargs: Any
    ) -> None:
        if team_id:
            await self.uninstall(team_id)

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        if team_id and user_id is None:
            await self.uninstall(team_id)

    async def async_delete_all(
        self, *, enterprise_id: str | None, team_id: str | None, **kwargs: Any
    ) -> None:
        if team_id:
            await self.uninstall(team_id)


class DbStateStore(AsyncOAuthStateStore):
    """Single-use OAuth states with an expiry, in careerbot's database."""

    def __init__(
        self, store: Store, *, expiration_seconds: int, now: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.expiration_seconds = expiration_seconds
        self._now = now

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = int(self._now())
        expires = now + self.expiration_seconds
        await self.store.run(lambda tx: tx.installations.issue_state(state, now, expires))
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        now = int(self._now())
        ok = await self.store.run(lambda tx: tx.installations.consume_state(state, now))
        if not ok:
            log.warning("refused an OAuth redirect with an unknown, used or expired state")
        return ok


class Tokens:
    """The current bot token of a workspace (refreshed first when it expires soon)."""

    def __init__(
        self,
        installations: DbInstallationStore,
        rotator: AsyncTokenRotator | None,
        *,
        minutes_before_expiration: int,
    ) -> None:
        self.installations = installations
        self.rotator = rotator
        self.minutes = minutes_before_expiration
        self._locks: dict[str, asyncio.Lock] = {}

    async def __call__(self, team_id: str) -> str | None:
        bot = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or self.rotator is None or bot.bot_token_expires_at is None:
            return bot.bot_token if bot else None
        async with self._locks.setdefault(team_id, asyncio.Lock()):
            bot = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
            if bot is None:
                return None
            refreshed = await self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self.minutes
            )
            if refreshed is not None:
                await self.installations.async_save_bot(refreshed)
                log.info("refreshed the bot token of workspace %s", team_id)
                bot = refreshed
        return bot.bot_token

"""``DISCORD_API_URL`` / ``DISCORD_GATEWAY_URL`` for ONE client, not the whole process.

discord.py has no base-URL option: every REST call builds a ``Route`` whose URL starts
with the class attribute ``Route.BASE``, and ``Client.connect`` opens the gateway at
``DiscordWebSocket.DEFAULT_GATEWAY`` (then at the ``resume_gateway_url`` READY gives,
and at the default again after an invalidated session). Rewriting those class attributes
would move every client in the process. Instead:

* our client's own HTTP client (``client.http``, which its connection state shares)
  becomes a :class:`RoutedHTTP`: it rewrites the URL of each route it sends, and opens
  the default gateway at the configured one. Our client is an ``AutoShardedClient``:
  with a shard count it opens each shard at the default gateway (rewritten the same
  way); without one it asks ``GET /gateway/bot`` for the count and the URL, and a
  configured gateway replaces the URL that answer gives;
* interaction callbacks and follow-ups go through discord.py's webhook adapter, which
  the library looks up in a context variable (``discord.webhook.async_.async_context``):
  :func:`in_context` runs our client's connection in a context where that adapter is a
  :class:`RoutedWebhookAdapter`, so the tasks that answer its interactions inherit it.

Nothing here changes a class attribute; another client in the process keeps its URLs.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
from typing import Any

import aiohttp
import discord
import yarl
from discord.webhook.async_ import AsyncWebhookAdapter, async_context


def api_base(url: str) -> str:
    """``DISCORD_API_URL`` as a REST base with a version: ``…/api/v10``."""
    base = url.rstrip("/")
    if re.search(r"/v\d+$", base):
        return base
    return base + ("/v10" if base.endswith("/api") else "/api/v10")


def _rebase(route: discord.http.Route, api: str | None) -> None:
    default = discord.http.Route.BASE
    if api and route.url.startswith(default):
        route.url = api + route.url[len(default) :]


class RoutedHTTP(discord.http.HTTPClient):
    """The HTTP client of one discord.py client, pointed at other base URLs."""

    api: str | None = None  # REST base with version, e.g. http://127.0.0.1:5000/api/v10
    gateway: yarl.URL | None = None
    # the first failed gateway connection (None until one fails); set when it happens
    gateway_failure: BaseException | None = None
    gateway_failed: asyncio.Event | None = None

    async def request(self, route: discord.http.Route, **kwargs: Any) -> Any:
        _rebase(route, self.api)
        return await super().request(route, **kwargs)

    async def get_bot_gateway(self) -> Any:
        """Discord's recommended shard count and gateway URL; the configured URL wins."""
        shards, url, limits = await super().get_bot_gateway()
        if self.gateway is not None:
            url = str(self.gateway)
        return shards, url, limits

    async def ws_connect(self, url: str, *, compress: int = 0) -> aiohttp.ClientWebSocketResponse:
        target = yarl.URL(url)
        default = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        if self.gateway is not None and target.with_query(None) == default.with_query(None):
            url = str(self.gateway.with_query(target.query))
        try:
            return await super().ws_connect(url, compress=compress)
        except Exception as exc:
            # AutoShardedClient retries a failed shard every 5 s without end: the adapter
            # waits on this to name an unreachable gateway at start instead
            if self.gateway_failure is None:
                self.gateway_failure = exc
            if self.gateway_failed is not None:
                self.gateway_failed.set()
            raise


class RoutedWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's webhook adapter (interaction callbacks, follow-ups), rebased."""

    def __init__(self, api: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.api = api

    async def request(self, route: discord.http.Route, *args: Any, **kwargs: Any) -> Any:
        _rebase(route, self.api)
        return await super().request(route, *args, **kwargs)


def route(client: discord.Client, api_url: str, gateway_url: str) -> None:
    """Point ``client`` (only it) at ``api_url`` / ``gateway_url`` ("" keeps Discord's)."""
    http = client.http
    http.__class__ = RoutedHTTP  # our own instance's class; the library's stays as it is
    assert isinstance(http, RoutedHTTP)
    http.api = api_base(api_url) if api_url else None
    http.gateway = yarl.URL(gateway_url) if gateway_url else None
    http.gateway_failed = asyncio.Event()


def api_of(client: discord.Client) -> str:
    """The REST base ``client`` uses (for error messages)."""
    return getattr(client.http, "api", None) or discord.http.Route.BASE


async def gateway_failure(client: discord.Client) -> BaseException:
    """The first failed gateway connection of ``client``, once one fails."""
    http = client.http
    assert isinstance(http, RoutedHTTP) and http.gateway_failed is not None
    await http.gateway_failed.wait()
    assert http.gateway_failure is not None
    return http.gateway_failure


def gateway_of(client: discord.Client) -> str:
    gateway = getattr(client.http, "gateway", None)
    return str(gateway or discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


def in_context(client: discord.Client) -> contextvars.Context:
    """A context for ``client``'s connection task: its interactions answer at its API."""
    context = contextvars.copy_context()
    context.run(async_context.set, RoutedWebhookAdapter(getattr(client.http, "api", None)))
    return context

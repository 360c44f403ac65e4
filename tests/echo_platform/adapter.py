"""The echo adapter: reads in.jsonl, asks the core, appends each reply to out.jsonl."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.core.app import Core
from bot.core.requests import Request, User
from tests.echo_platform import EchoSettings
from tests.echo_platform.messenger import EchoMessenger, render
from tests.echo_platform.transport import Transport

log = logging.getLogger(__name__)


class EchoAdapter:
    name = "echo"

    def __init__(self, settings: EchoSettings, core: Core) -> None:
        self.settings = settings
        self.core = core
        self.transport = Transport(settings.echo_dir)
        self.messenger = EchoMessenger(self.transport)
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        self.transport.open()
        self._task = asyncio.create_task(self._poll(), name="echo")
        log.info("echo: reading %s", self.transport.inbox)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _poll(self) -> None:
        while True:
            for message in self.transport.receive():
                user = User("echo", "local", str(message["user"]), str(message["user"]))
                reply = await self.core.respond(Request(user, str(message["text"])))
                self.transport.send({"type": "reply", "to": user.user_id, "text": render(reply)})
            await asyncio.sleep(self.settings.echo_poll)

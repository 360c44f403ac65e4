"""Slack HTTP mode throughput (issue 4, item 11): ``python -m tests.bench.slack``.

Same run, same machine, same load generator, same fake Slack on loopback:

- ``bare``: a plain slack-bolt AsyncApp whose ``/career`` listener acks with a
  constant string (the answer is in the HTTP response);
- ``careerbot``: the real :class:`~bot.platforms.slack.adapter.SlackAdapter` in HTTP mode on a
  real SQLite file and the shipped tip bank; a command counts as answered when its
  reply is in the HTTP response (answers ready within the inline budget) or has
  reached the fake's ``response_url``.

Every request is signed exactly as Slack signs it. Prints one JSON line per app and
round, and a summary with the median ratio careerbot/bare (goal >= 0.8).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bank import load_bank
from bot.core.app import Core
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.settings import SlackSettings
from bot.storage import open_store
from tests.fakes.slack import FakeSlack, form_body, signed_headers, slash_command

SECRET = "bench-signing-secret"
TEXTS = ("skill pytorch", "tip", "progress", "roadmap", "skill k8s", "help")
USERS = 50

for _var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
    os.environ.pop(_var, None)


async def serve_bare(fake: FakeSlack) -> tuple[web.AppRunner, int]:
    app = AsyncApp(
        client=AsyncWebClient(token=fake.bot_token, base_url=fake.api_url),
        signing_secret=SECRET,
    )

    @app.command("/career")
    async def constant(ack: Any) -> None:
        await ack("careerbot is here")

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def drive(
    port: int,
    fake: FakeSlack,
    requests: int,
    concurrency: int,
    answered: Callable[[int], Awaitable[None]],
) -> float:
    """Send ``requests`` signed /career commands, ``concurrency`` at a time; seconds."""
    url = f"http://127.0.0.1:{port}/slack/events"
    counter = itertools.count()
    posts_before = fake.response_posts
    inline = 0  # answers carried by the HTTP response itself

    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            while (i := next(counter)) < requests:
                user = f"U{i % USERS:03d}"
                fields = slash_command(
                    TEXTS[i % len(TEXTS)],
                    response_url=fake.new_response_url("C1", user),
                    user_id=user,
                    user_name=user.lower(),
                )
                body = form_body(fields)
                async with session.post(url, data=body, headers=signed_headers(SECRET, body)) as r:
                    if r.status != 200:
                        raise RuntimeError(f"HTTP {r.status}: {await r.text()}")
                    if await r.read():
                        nonlocal inline
                        inline += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await answered(posts_before + requests - inline)
        return time.perf_counter() - start


async def main(requests: int, concurrency: int, rounds: int) -> None:
    async with FakeSlack() as fake:
        for i in range(USERS):
            fake.add_user(f"U{i:03d}", name=f"u{i}", tz="Europe/Berlin")
        bare_runner, bare_port = await serve_bare(fake)
        with tempfile.TemporaryDirectory() as tmp:
            store = await open_store(Path(tmp) / "bench.db")
            core = Core(load_bank(), store)
            settings = SlackSettings(
                slack_bot_token=fake.bot_token,
                slack_signing_secret=SECRET,
                slack_api_url=fake.api_url,
                http_host="127.0.0.1",
                http_port=0,
            )
            adapter = SlackAdapter(settings, core, http=True)
            await adapter.start()
            assert adapter.bound_port is not None

            async def nothing(_: int) -> None:
                return None

            async def replies(total: int) -> None:
                await fake.wait_for(lambda: fake.response_posts >= total, within=120)

            try:
                # warm up both (auth.test, users.info caches, SQLite pages)
                await drive(bare_port, fake, 200, concurrency, nothing)
                await drive(adapter.bound_port, fake, 200, concurrency, replies)
                ratios = []
                for r in range(rounds):
                    bare = requests / await drive(bare_port, fake, requests, concurrency, nothing)
                    ours = requests / await drive(
                        adapter.bound_port, fake, requests, concurrency, replies
                    )
                    ratios.append(ours / bare)
                    for app, rate in (("bare", bare), ("careerbot", ours)):
                        print(
                            json.dumps(
                                {
                                    "bench": "slack_http",
                                    "round": r + 1,
                                    "app": app,
                                    "requests": requests,
                                    "concurrency": concurrency,
                                    "per_second": round(rate, 1),
                                }
                            ),
                            flush=True,
                        )
                ratio = statistics.median(ratios)
                summary = {
                    "bench": "slack_http",
                    "summary": True,
                    "ratio_careerbot_vs_bare": round(ratio, 3),
                    "ratios": [round(x, 3) for x in ratios],
                    "goal": 0.8,
                    "met": ratio >= 0.8,
                }
                print(json.dumps(summary), flush=True)
            finally:
                await adapter.close()
                await bare_runner.cleanup()
                await store.close()


def cli() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=2000, help="commands per app and round")
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    asyncio.run(main(args.requests, args.concurrency, args.rounds))


if __name__ == "__main__":
    cli()

"""Slack HTTP mode throughput: ``python -m tests.bench.slack`` (also run by ``make bench``).

One fake Slack and the load generator run in a child process on 127.0.0.1 (their work
does not load the apps' event loop, as real Slack would not); the apps run here, each
on its own port, and are driven in turn, in interleaved rounds (the order rotates):

- ``bare``: a plain slack-bolt AsyncApp whose ``/career`` listener acks a constant
  string (the answer is in the HTTP response);
- ``same-work``: the smallest bolt app doing careerbot's work for ``tip`` and
  ``skill pytorch`` (:mod:`tests.bench.samework`): the same SQLite transaction on the
  same database file, then an ack carrying careerbot's own rendering of the reply
  (blocks and text, computed once before the rounds) — as careerbot answers a command
  that is ready within its inline budget;
- ``careerbot``: the real :class:`~bot.platforms.slack.adapter.SlackAdapter` in HTTP
  mode on that SQLite file and the shipped tip bank. A command counts as answered
  when its reply is in the HTTP response or has reached the fake's ``response_url``.

Every request is signed exactly as Slack signs it; the commands alternate ``tip`` and
``skill pytorch`` for :data:`USERS` users. Prints one JSON line per app and round (rate,
CPU milliseconds per command in this process, the SQLite thread included), then a
summary: the median over rounds of careerbot / same-work (goal >= 0.9) and of
careerbot / bare, with each round's ratio (the spread).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bank import load_bank
from bot.core.app import Core
from bot.core.requests import User
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.blocks import render
from bot.platforms.slack.settings import SlackSettings
from bot.storage import open_store
from tests.bench.samework import COMMANDS, DbThread, Work, profile, replies, summary
from tests.fakes.slack import TEAM_ID, FakeSlack, form_body, signed_headers, slash_command

SECRET = "bench-signing-secret"
USERS = 50
APPS = ("bare", "same-work", "careerbot")
GOAL_SAME_WORK = 0.9

for _var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
    os.environ.pop(_var, None)


# the child: fake Slack and load generator ------------------------------------------------


async def drive(port: int, fake: FakeSlack, requests: int, concurrency: int) -> float:
    """Send ``requests`` signed /career commands, ``concurrency`` at a time; seconds until
    every one is answered (in its HTTP response or through its response_url)."""
    url = f"http://127.0.0.1:{port}/slack/events"
    counter = itertools.count()
    posts_before = fake.response_posts
    inline = 0  # answers carried by the HTTP response itself

    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            nonlocal inline
            while (i := next(counter)) < requests:
                user = f"U{i % USERS:03d}"
                fields = slash_command(
                    COMMANDS[i % len(COMMANDS)],
                    response_url=fake.new_response_url("C1", user),
                    user_id=user,
                    user_name=user.lower(),
                )
                body = form_body(fields)
                async with session.post(url, data=body, headers=signed_headers(SECRET, body)) as r:
                    if r.status != 200:
                        raise RuntimeError(f"HTTP {r.status}: {await r.text()}")
                    if await r.read():
                        inline += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        total = posts_before + requests - inline
        await fake.wait_for(lambda: fake.response_posts >= total, within=120)
        return time.perf_counter() - start


async def serve() -> None:
    """The child process: prints the fake's URLs, then drives rounds on request."""
    async with FakeSlack() as fake:
        for i in range(USERS):
            fake.add_user(f"U{i:03d}", name=f"u{i}", tz="Europe/Berlin")

        async def fire(request: web.Request) -> web.Response:
            body = await request.json()
            cpu = time.process_time()
            seconds = await drive(int(body["port"]), fake, int(body["n"]), int(body["concurrency"]))
            return web.json_response({"seconds": seconds, "fake_cpu": time.process_time() - cpu})

        control = web.Application()
        control.router.add_post("/fire", fire)
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        urls = {"api": fake.api_url, "token": fake.bot_token}
        print(json.dumps(urls | {"control": f"http://127.0.0.1:{port}/fire"}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF
        await runner.cleanup()


# the apps ---------------------------------------------------------------------------------


@asynccontextmanager
async def serve_bolt(app: AsyncApp) -> AsyncIterator[int]:
    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


def bare_app(urls: dict[str, str]) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token=urls["token"], base_url=urls["api"]), signing_secret=SECRET
    )

    @app.command("/career")
    async def constant(ack: Any) -> None:
        await ack("careerbot is here")

    return app


def same_work_app(
    urls: dict[str, str], db: DbThread, work: Work, pages: dict[str, Any]
) -> AsyncApp:
    """careerbot's work for ``tip`` / ``skill pytorch``, by hand: one transaction, one ack."""
    app = AsyncApp(
        client=AsyncWebClient(token=urls["token"], base_url=urls["api"]), signing_secret=SECRET
    )

    @app.command("/career")
    async def career(ack: Any, body: dict[str, Any]) -> None:
        command = body["text"]
        key = ("slack", body["team_id"], body["user_id"])
        await db.call(work.transaction(command, key, body["user_name"]))
        page = pages[command]
        await ack(text=page["text"], blocks=page["blocks"], response_type="ephemeral")

    return app


@asynccontextmanager
async def careerbot_app(urls: dict[str, str], core: Core) -> AsyncIterator[int]:
    settings = SlackSettings(
        slack_bot_token=urls["token"],
        slack_signing_secret=SECRET,
        slack_api_url=urls["api"],
        http_host="127.0.0.1",
        http_port=0,
    )
    adapter = SlackAdapter(settings, core, http=True)
    await adapter.start()
    assert adapter.bound_port is not None
    try:
        yield adapter.bound_port
    finally:
        await adapter.close()


async def main(requests: int, concurrency: int, rounds: int, profile_to: str | None) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.slack",
        "--serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdin is not None
    urls = json.loads(await child.stdout.readline())
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = await open_store(path)
        core = Core(bank, store)
        db = DbThread(path)
        work = Work(list(bank.tips))
        made = await replies(core, User("slack", TEAM_ID, "UPRE", "upre"))
        pages = {}
        for text, reply in made.items():
            (page,) = render(reply)  # one page: careerbot answers it in the ack
            pages[text] = page
        try:
            async with (
                aiohttp.ClientSession() as http,
                serve_bolt(bare_app(urls)) as bare_port,
                serve_bolt(same_work_app(urls, db, work, pages)) as same_port,
                careerbot_app(urls, core) as career_port,
            ):
                ports = {"bare": bare_port, "same-work": same_port, "careerbot": career_port}

                async def fire(app: str, n: int) -> tuple[float, float]:
                    body = {"port": ports[app], "n": n, "concurrency": concurrency}
                    cpu = time.process_time()
                    async with http.post(urls["control"], json=body) as resp:
                        result = await resp.json()
                    return result["seconds"], time.process_time() - cpu

                # warm up (careerbot first: its users.info look-ups create the user rows)
                for app in ("careerbot", "same-work", "bare"):
                    await fire(app, 200)
                if profile_to:
                    await profile("slack_http", core, db, fire, requests, profile_to)
                    return
                rates: dict[str, list[float]] = {a: [] for a in APPS}
                cpus: dict[str, list[float]] = {a: [] for a in APPS}
                for r in range(rounds):
                    for app in APPS[r % len(APPS) :] + APPS[: r % len(APPS)]:
                        seconds, cpu = await fire(app, requests)
                        rates[app].append(requests / seconds)
                        cpus[app].append(cpu * 1000 / requests)
                        line = {
                            "bench": "slack_http",
                            "round": r + 1,
                            "app": app,
                            "requests": requests,
                            "concurrency": concurrency,
                            "per_second": round(rates[app][-1], 1),
                            "bot_cpu_ms": round(cpus[app][-1], 3),  # per command
                        }
                        print(json.dumps(line), flush=True)
                line = summary("slack_http", rates, cpus, GOAL_SAME_WORK)
                print(json.dumps(line), flush=True)
        finally:
            db.close()
            await store.close()
            child.stdin.close()
            await child.wait()


def cli() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=2000, help="commands per app and round")
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument(
        "--profile",
        metavar="FILE",
        help="only profile careerbot and same-work (cProfile) to FILE.<variant>",
    )
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve:
        asyncio.run(serve())
    else:
        asyncio.run(main(args.requests, args.concurrency, args.rounds, args.profile))


if __name__ == "__main__":
    cli()

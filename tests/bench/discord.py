"""Interactions per second through the real discord.py: careerbot vs same-work and bare.

``python -m tests.bench.discord`` (also run by ``make bench``). One fake Discord runs in
a child process on 127.0.0.1 (so its work does not load the bot's event loop, as real
Discord would not) and serves each client in turn, for several alternating rounds:

- bare:         a discord.py ``CommandTree`` command answering the constant string "pong";
- same-work:    the smallest discord.py app doing careerbot's work for ``/career tip`` and
  ``/career skill name:pytorch`` (:mod:`tests.bench.samework`): the same SQLite
  transaction on the same database file, then the same interaction response (type 4,
  ephemeral) with careerbot's own embed and buttons for that reply, rendered once
  before the rounds (a fresh ``View`` per message, as discord.py wants);
- careerbot:    the real :class:`DiscordAdapter` + core (real bank, that SQLite file),
  answering ``/career tip`` and ``/career skill name:pytorch`` for 500 users;
- adapter-only: the same adapter with a core that returns ready-made replies, to tell
  the adapter's cost (rendering, buttons, discord.py) from the core's.

Each round fires ``--n`` interactions over the gateway with at most ``--window`` in
flight and times until the fake has recorded every interaction callback; the order of
the variants rotates from round to round. Prints one JSON line per round and variant
(rate, and CPU milliseconds per interaction in the bot and in the fake), then a summary:
the median over rounds of careerbot / same-work (goal >= 0.9) and careerbot / bare, each
round's ratio (the spread), and the median CPU per interaction of each variant.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from aiohttp import web
from discord import app_commands

from bot.bank import load_bank
from bot.core.app import Core
from bot.core.replies import Reply
from bot.core.requests import GLOBAL_TENANT, Request, User
from bot.platforms.discord.adapter import DiscordAdapter
from bot.platforms.discord.render import PER_ROW, PREFIX, STYLES, render
from bot.platforms.discord.settings import DiscordSettings
from bot.storage import open_store
from tests.bench.samework import DbThread, Work, profile, replies, summary
from tests.fakes.discord import FakeDiscord, user

GOAL = 0.9  # careerbot / same-work
VARIANTS = ("bare", "same-work", "careerbot", "adapter-only")
CAREER: tuple[tuple[str, dict[str, str]], ...] = (  # samework.COMMANDS, as slash commands
    ("tip", {}),
    ("skill", {"name": "pytorch"}),
)

Fire = Callable[[int], Awaitable[str]]


async def fire_all(fake: FakeDiscord, fire: Fire, n: int, window: int) -> float:
    """Seconds to get ``n`` interactions answered, at most ``window`` unanswered at once."""
    base = len(fake.callbacks)
    start = time.perf_counter()
    for i in range(n):
        if i - (len(fake.callbacks) - base) >= window:

            def room(i: int = i) -> bool:
                return i - (len(fake.callbacks) - base) < window

            await fake.wait_for(room, 60)
        await fire(i)
    await fake.wait_for(lambda: len(fake.callbacks) - base >= n, 120)
    return time.perf_counter() - start


async def serve() -> None:
    """The fake Discord process: prints its URLs, then fires rounds on request."""
    async with FakeDiscord() as fake:

        async def fire_round(request: web.Request) -> web.Response:
            body = await request.json()
            n, window = int(body["n"]), int(body["window"])
            if body["variant"] == "bare":

                async def fire(i: int) -> str:
                    return await fake.slash("ping", member=user(10_000 + i % 500, f"u{i % 500}"))
            else:

                async def fire(i: int) -> str:
                    sub, options = CAREER[i % len(CAREER)]
                    who = user(10_000 + i % 500, f"u{i % 500}")
                    return await fake.slash("career", sub, options, member=who)

            cpu = time.process_time()
            seconds = await fire_all(fake, fire, n, window)
            cpu = time.process_time() - cpu
            bad = [x for x in fake.rejected if x[1] != "429"]
            return web.json_response({"seconds": seconds, "fake_cpu": cpu, "rejected": bad[:3]})

        control = web.Application()
        control.router.add_post("/fire", fire_round)
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        urls = {"api": fake.api_url, "gateway": fake.gateway_url, "token": fake.token}
        print(json.dumps(urls | {"control": f"http://127.0.0.1:{port}/fire"}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF
        await runner.cleanup()


def _redirect(urls: dict[str, str]) -> tuple[str, Any]:
    from bot.platforms.discord.routes import api_base

    old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base(urls["api"])
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(urls["gateway"])
    return old


@asynccontextmanager
async def bare_client(urls: dict[str, str]) -> AsyncIterator[None]:
    client = discord.Client(intents=discord.Intents(guilds=True), guild_ready_timeout=0.1)
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)

    @tree.command(name="ping", description="constant answer")
    async def ping(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    old = _redirect(urls)
    await client.login(urls["token"])
    task = asyncio.create_task(client.connect())
    try:
        await client.wait_until_ready()
        await tree.sync()
        yield
    finally:
        await client.close()
        await asyncio.gather(task, return_exceptions=True)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old


Answer = tuple[list[discord.Embed], list[tuple[str, str, discord.ButtonStyle]]]


@asynccontextmanager
async def same_work_client(
    urls: dict[str, str], db: DbThread, work: Work, answers: dict[str, Answer]
) -> AsyncIterator[None]:
    """careerbot's work for ``/career tip`` and ``/career skill``, by hand."""
    client = discord.Client(intents=discord.Intents(guilds=True), guild_ready_timeout=0.1)
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    career = app_commands.Group(name="career", description="same work")

    async def answer(interaction: discord.Interaction[Any], command: str) -> None:
        who = interaction.user
        key = ("discord", GLOBAL_TENANT, str(who.id))
        await db.call(work.transaction(command, key, who.display_name))
        embeds, buttons = answers[command]
        view = discord.ui.View(timeout=None)
        for i, (label, custom_id, style) in enumerate(buttons):
            button: discord.ui.Button[Any] = discord.ui.Button(
                label=label, custom_id=custom_id, style=style, row=i // PER_ROW
            )
            view.add_item(button)
        await interaction.response.send_message(embeds=embeds, view=view, ephemeral=True)

    @career.command(name="tip", description="a tip")
    async def tip(interaction: discord.Interaction[Any]) -> None:
        await answer(interaction, "tip")

    @career.command(name="skill", description="a skill card")
    async def skill(interaction: discord.Interaction[Any], name: str) -> None:
        await answer(interaction, f"skill {name}")

    tree.add_command(career)
    old = _redirect(urls)
    await client.login(urls["token"])
    task = asyncio.create_task(client.connect())
    try:
        await client.wait_until_ready()
        await tree.sync()
        yield
    finally:
        await client.close()
        await asyncio.gather(task, return_exceptions=True)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old


async def rendered(core: Core) -> dict[str, Answer]:
    """careerbot's embeds and buttons for samework.COMMANDS (one page each)."""
    out = {}
    for text, reply in (await replies(core, User("discord", GLOBAL_TENANT, "1", "pre"))).items():
        (page,) = render(reply)
        buttons = [(b.label, PREFIX + b.command, STYLES[b.style]) for b in page.buttons]
        out[text] = (page.embeds, buttons)
    return out


@asynccontextmanager
async def career_client(urls: dict[str, str], core: Any) -> AsyncIterator[None]:
    settings = DiscordSettings(
        discord_token=urls["token"],
        discord_api_url=urls["api"],
        discord_gateway_url=urls["gateway"],
    )
    adapter = DiscordAdapter(settings, core, guild_ready_timeout=0.1)
    await adapter.start()
    try:
        yield
    finally:
        await adapter.close()


class CannedCore:
    """The real core's commands and look-ups, but ``respond`` returns ready replies.

    Isolates the adapter (request building, rendering, discord.py) from the core's
    own cost, which ``tests.bench.core`` measures.
    """

    def __init__(self, core: Core, replies: dict[str, Reply]) -> None:
        self._core = core
        self._replies = replies
        self.complete = core.complete
        self.commands = core.commands

    async def respond(self, request: Request) -> Reply:
        if request.invocation is not None:
            return self._replies[request.invocation.command]
        return self._replies[request.text.split()[0]]


async def canned(core: Core) -> CannedCore:
    who = User("discord", "1000", "1", "u")
    texts = {"tip": "tip", "skill": "skill pytorch"}
    replies = {k: await core.respond(Request(user=who, text=t)) for k, t in texts.items()}
    return CannedCore(core, replies)


async def main(n: int, window: int, rounds: int, profile_to: str | None = None) -> dict[str, Any]:
    logging.basicConfig(level=logging.ERROR)
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.discord",
        "--serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None and server.stdin is not None
    urls = json.loads(await server.stdout.readline())
    rates: dict[str, list[float]] = {v: [] for v in VARIANTS}
    cpus: dict[str, list[float]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = await open_store(path)
        bank = load_bank()
        core = Core(bank, store)
        db = DbThread(path)
        work = Work(list(bank.tips))
        answers = await rendered(core)
        cores: dict[str, Any] = {"careerbot": core, "adapter-only": await canned(core)}

        def client(variant: str) -> Any:
            if variant == "bare":
                return bare_client(urls)
            if variant == "same-work":
                return same_work_client(urls, db, work, answers)
            return career_client(urls, cores[variant])

        try:
            async with aiohttp.ClientSession() as http:

                async def fire(variant: str, count: int) -> tuple[dict[str, Any], float]:
                    async with client(variant):
                        body = {"variant": variant, "n": count, "window": window}
                        cpu = time.process_time()
                        async with http.post(urls["control"], json=body) as resp:
                            result = await resp.json()
                        cpu = time.process_time() - cpu
                    assert not result["rejected"], result["rejected"]
                    return result, cpu

                # warm up (careerbot first: it creates the user rows both then read)
                for variant in ("careerbot", "same-work"):
                    await fire(variant, 200)
                if profile_to:
                    await profile("discord", core, db, fire, n, profile_to)
                    return {}
                for r in range(rounds):
                    for variant in VARIANTS[r % len(VARIANTS) :] + VARIANTS[: r % len(VARIANTS)]:
                        result, cpu = await fire(variant, n)
                        rates[variant].append(n / result["seconds"])
                        cpus[variant].append(cpu * 1000 / n)
                        line: dict[str, Any] = {
                            "bench": "discord",
                            "round": r + 1,
                            "variant": variant,
                            "n": n,
                            "seconds": round(result["seconds"], 3),
                            "per_second": round(rates[variant][-1], 1),
                            "bot_cpu_ms": round(cpus[variant][-1], 3),  # per interaction
                            "fake_cpu_ms": round(result["fake_cpu"] * 1000 / n, 3),
                        }
                        print(json.dumps(line), flush=True)
        finally:
            db.close()
            await store.close()
            server.stdin.close()
            await server.wait()
    out = summary("discord", rates, cpus, GOAL)
    adapter_only = [a / b for a, b in zip(rates["adapter-only"], rates["bare"], strict=True)]
    out["ratio_adapter_only_vs_bare"] = round(statistics.median(adapter_only), 3)
    print(json.dumps(out), flush=True)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="interactions per round")
    parser.add_argument("--window", type=int, default=32, help="unanswered interactions at once")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="only profile careerbot and same-work (cProfile) to FILE.<variant>",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(serve() if args.serve else main(args.n, args.window, args.rounds, args.profile))

"""The Discord adapter through the real discord.py against the fake Discord on loopback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.config import ConfigError
from bot.core import messages
from bot.core.app import Core
from bot.core.commands import REGISTRY, Command
from bot.core.ports import SendStatus
from bot.core.replies import Button, Reply
from bot.core.requests import GLOBAL_TENANT, Request, User
from bot.delivery import Scheduler
from bot.platforms.discord.routes import api_base
from bot.platforms.discord.tree import ADMIN, GROUP, MORE
from tests.conftest import FakeClock
from tests.fakes.discord import (
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MANAGE_GUILD,
    FakeDiscord,
    command_problems,
    user,
)
from tests.platforms.discord_env import Env, running, top_of


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f


@pytest.fixture
async def env(core: Core, fake: FakeDiscord) -> AsyncIterator[Env]:
    async with running(core, fake) as adapter:
        yield Env(fake, adapter, core)


class SlowCore:
    """Holds every ``core.respond`` until :meth:`release`: the adapter must defer first.

    The defer timer is set to 0 s and the answer waits on an event the test sets only
    after it has seen the defer callback, so the order is fixed, not a race of sleeps.
    """

    def __init__(self, env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
        self._env = env
        self._monkeypatch = monkeypatch
        self._gate = asyncio.Event()

    def hold(self) -> None:
        respond = self._env.core.respond

        async def held(request: Request) -> Reply:
            await self._gate.wait()
            return await respond(request)

        self._monkeypatch.setattr(self._env.core, "respond", held)
        self._env.adapter.defer_after = 0.0

    def release(self) -> None:
        self._gate.set()


@pytest.fixture
def slow_core(env: Env, monkeypatch: pytest.MonkeyPatch) -> SlowCore:
    return SlowCore(env, monkeypatch)


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [b["custom_id"] for row in message["components"] for b in row["components"]]


def user_commands() -> list[Command]:
    return [c for c in REGISTRY if not c.button_only and not c.admin]


# login, READY, sync -------------------------------------------------------------------


async def test_login_ready_and_global_sync_follow_discord_rules(env: Env) -> None:
    assert env.adapter.connected
    assert env.fake.identifies == 1
    intents = env.adapter.client.intents
    assert not (intents.members or intents.presences or intents.message_content)
    synced = env.fake.commands[None]
    for cmd in synced:
        assert command_problems(cmd) == []
    by_name = {c["name"]: c for c in synced}
    subs = [o["name"] for o in by_name[GROUP]["options"]]
    assert len(subs) <= 25
    assert subs == [c.slug for c in user_commands()][:25]
    admin = by_name[ADMIN]
    assert int(admin["default_member_permissions"]) == MANAGE_GUILD
    assert admin["contexts"] == [0]  # server only
    assert {o["name"] for o in admin["options"]} == {
        c.slug.removeprefix("admin-") for c in REGISTRY if c.admin
    }
    # no second command list: every user-facing registry command is offered exactly once
    offered = [o["name"] for c in synced for o in c["options"]]
    assert len(offered) == len([c for c in REGISTRY if not c.button_only])


def _syncs(fake: FakeDiscord) -> list[str]:
    return [path for method, path in fake.requests if method == "PUT"]


async def test_guild_id_registers_the_commands_on_that_server_only(
    core: Core, fake: FakeDiscord
) -> None:
    async with running(core, fake, discord_guild_id=fake.guild_id):
        # not globally as well: Discord would show every command twice on that server
        assert _syncs(fake) == [f"/api/v10/applications/900/guilds/{fake.guild_id}/commands"]
        assert list(fake.commands) == [fake.guild_id]
        assert {GROUP, ADMIN} <= {c["name"] for c in fake.commands[fake.guild_id]}
        iid = await fake.slash(GROUP, "tip")  # served by the server's registration
        assert (await fake.wait_callback(iid))["data"]["embeds"][0]["title"].startswith("Tip")


async def test_without_guild_id_the_commands_are_registered_globally_only(env: Env) -> None:
    assert _syncs(env.fake) == ["/api/v10/applications/900/commands"]
    assert list(env.fake.commands) == [None]


async def test_a_bad_token_is_a_config_error_naming_the_setting(core: Core) -> None:
    async with FakeDiscord(token="right") as fake:
        fake.token = "right"
        with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
            async with running(core, fake, discord_token="wrong"):
                pass
        assert fake.rejected == [("/api/v10/users/@me", "401: Unauthorized")]


# slash commands, buttons, autocomplete ---------------------------------------------


async def test_slash_tip_is_an_ephemeral_embed_with_persistent_buttons(env: Env) -> None:
    callback, (message,) = await env.answer("tip", {"skill": "rust"})
    assert callback["type"] == 4
    assert callback["data"]["flags"] & EPHEMERAL
    embed = message["embeds"][0]
    assert embed["title"] == "Tip · Rust"
    source, footer = embed["footer"]["text"].split("\n")
    assert source.startswith("📄 Source: ") and footer.startswith("t")  # one source line
    assert "fields" not in embed or all(f["name"] != "Source" for f in embed["fields"])
    ids = custom_ids(message)
    assert ids[0] == "career:tip rust"
    assert any(i.startswith("career:save t") for i in ids)
    assert env.fake.rejected == []


async def test_slash_options_become_command_text(env: Env) -> None:
    await env.answer("roadmap-done", {"n": 2})
    _, (message,) = await env.answer("roadmap")
    fields = message["embeds"][0]["fields"]
    assert fields[1]["name"].startswith("✅ 2.")
    assert fields[0]["name"].startswith("⬜ 1.")


async def test_button_click_works_after_a_restart(core: Core, fake: FakeDiscord) -> None:
    async with running(core, fake):
        iid = await fake.slash(GROUP, "tip")
        await fake.wait_callback(iid)
        (tip_message,) = fake.messages_for(iid)
    save = next(i for i in custom_ids(tip_message) if i.startswith("career:save "))
    tip_id = save.split()[-1]
    # a brand-new client (fresh process state) gets a click on yesterday's message
    async with running(core, fake) as adapter:
        assert fake.identifies == 2
        click = await fake.click(tip_message, save)
        callback = await fake.wait_callback(click)
        assert callback["type"] == 4
        assert callback["data"]["flags"] & EPHEMERAL
        assert tip_id in callback["data"]["embeds"][0]["title"]
        saved = await core.respond(_request(adapter.client, "saved"))
        assert saved.fields[0].name.startswith(tip_id)
        # "Next" replaces the message the button was on (UPDATE_MESSAGE)
        click = await fake.click(tip_message, "career:tip")
        callback = await fake.wait_callback(click)
        assert callback["type"] == 7
        assert tip_message["edits"] == 1
        assert tip_message["embeds"][0]["title"].startswith("Tip")


def _request(client: Any, text: str) -> Request:
    ada = User("discord", GLOBAL_TENANT, "42", "Ada")
    return Request(user=ada, text=text, is_dm=False, workspace=str(GUILD_ID))


async def test_share_button_posts_publicly(env: Env) -> None:
    _, (message,) = await env.answer("tip")
    share = next(i for i in custom_ids(message) if i.startswith("career:share "))
    click = await env.fake.click(message, share)
    callback = await env.fake.wait_callback(click)
    assert callback["type"] == 4
    assert not (callback["data"].get("flags") or 0) & EPHEMERAL
    assert callback["data"]["embeds"][0]["footer"]["text"].endswith("\nShared by Ada")


async def _shared_tip(env: Env) -> dict[str, Any]:
    """A tip shared to the channel by Ada: a public message everyone in the channel sees."""
    _, (mine,) = await env.answer("tip")
    share = next(i for i in custom_ids(mine) if i.startswith("career:share "))
    click = await env.fake.click(mine, share)
    await env.fake.wait_callback(click)
    (shared,) = env.fake.messages_for(click)
    assert not shared["flags"] & EPHEMERAL
    return shared


async def test_get_my_own_tip_on_a_shared_tip_answers_privately(env: Env) -> None:
    shared = await _shared_tip(env)
    before = {k: shared[k] for k in ("content", "embeds", "components")}
    click = await env.fake.click(shared, "career:tip", member=user(77, "bea"))  # "Get my own tip"
    callback = await env.fake.wait_callback(click)
    assert callback["type"] == 4  # a new message, never UPDATE_MESSAGE (7) of the shared one
    assert callback["data"]["flags"] & EPHEMERAL
    assert callback["data"]["embeds"][0]["title"].startswith("Tip")
    assert "edits" not in shared
    assert {k: shared[k] for k in ("content", "embeds", "components")} == before
    assert env.fake.rejected == []


async def test_source_on_a_shared_tip_shows_the_quote_ephemerally(env: Env) -> None:
    """The card names its source in one footer line; the Source button answers the clicker
    alone (flag 64) with the quote and its document; the shared card stays as it was."""
    shared = await _shared_tip(env)
    [source] = [i for i in custom_ids(shared) if i.startswith("career:source ")]
    tip = env.core.bank.tips[source.split()[-1]]
    embed = shared["embeds"][0]
    title = env.core.bank.doc_title(tip.source.doc)
    assert embed["footer"]["text"].splitlines()[0] == f"📄 Source: {title}"
    assert len(title) <= 60 and title != tip.source.doc  # the short title of documents.yaml
    assert tip.source.quote not in json.dumps(shared["embeds"], ensure_ascii=False)
    before = {k: shared[k] for k in ("content", "embeds", "components")}
    click = await env.fake.click(shared, source, member=user(77, "bea"))
    callback = await env.fake.wait_callback(click)
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    answer = callback["data"]["embeds"][0]
    assert answer["title"] == f"Where {tip.id} comes from"
    assert answer["description"] == f"“{tip.source.quote}”"
    assert answer["fields"][0]["value"].startswith(env.core.bank.doc_title(tip.source.doc))
    assert "edits" not in shared
    assert {k: shared[k] for k in ("content", "embeds", "components")} == before
    assert env.fake.rejected == []


async def test_a_slow_personal_click_on_a_shared_tip_follows_up_privately(
    env: Env, slow_core: SlowCore
) -> None:
    shared = await _shared_tip(env)
    slow_core.hold()
    click = await env.fake.click(shared, "career:tip")
    callback = await env.fake.wait_callback(click)
    assert callback["type"] == 6  # acknowledged; the shared message is left as it is
    slow_core.release()
    (answer,) = await env.fake.wait_for(lambda: env.fake.messages_for(click))
    assert answer["source"] == "followup"
    assert answer["flags"] & EPHEMERAL
    assert answer["embeds"][0]["title"].startswith("Tip")
    assert "edits" not in shared
    assert env.fake.rejected == []


async def test_next_on_a_tip_in_the_users_dm_still_replaces_it(env: Env) -> None:
    ada = User("discord", "1000", "42", "Ada")
    card = Reply(title="Daily tip", buttons=(Button("Next", "tip"),), ephemeral=False)
    sent = await env.adapter.messenger.send_dm(ada, card, key="d-dm-next")
    assert sent.status is SendStatus.SENT
    (dm_tip,) = env.fake.messages
    assert not dm_tip["flags"] & EPHEMERAL  # a DM message is not ephemeral, but only Ada's
    click = await env.fake.click(dm_tip, "career:tip", dm=True)
    callback = await env.fake.wait_callback(click)
    assert callback["type"] == 7
    assert dm_tip["edits"] == 1
    assert dm_tip["embeds"][0]["title"].startswith("Tip")


async def test_autocomplete_is_ranked_by_the_core_and_capped_at_25(env: Env) -> None:
    iid = await env.fake.autocomplete(GROUP, "skill", "name", "py")
    callback = await env.fake.wait_callback(iid)
    assert callback["type"] == 8
    choices = callback["data"]["choices"]
    assert [(c["name"], c["value"]) for c in choices] == env.core.complete("skill", "py")
    assert choices[0]["value"] == "python"
    iid = await env.fake.autocomplete(GROUP, "daily", "zone", "a")
    zones = (await env.fake.wait_callback(iid))["data"]["choices"]
    assert len(zones) == 25
    iid = await env.fake.autocomplete(GROUP, "daily", "zone", "berl")
    zones = (await env.fake.wait_callback(iid))["data"]["choices"]
    assert zones[0]["value"] == "Europe/Berlin"


async def test_one_profile_per_user_in_every_server_and_in_dms(env: Env, clock: FakeClock) -> None:
    """Discord ids are global: the daily-tip DM's buttons act on the server's profile."""
    callback, _ = await env.answer("daily", {"time": "10:00", "zone": "UTC"})
    assert "UTC" in json.dumps(callback["data"])
    scheduler = Scheduler(env.core, [env.adapter.messenger], clock=clock)
    clock.now = datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert (await scheduler.tick()).sent == 1
    [tip] = [m for m in env.fake.messages if m.get("nonce")]
    assert tip["channel_id"] != str(CHANNEL_ID)  # the DM
    save = next(i for i in custom_ids(tip) if i.startswith("career:save "))
    click = await env.fake.click(tip, save, dm=True)
    await env.fake.wait_callback(click)
    # in the server, the tip saved from the DM is there
    _, (saved,) = await env.answer("saved")
    assert saved["embeds"][0]["fields"][0]["name"].startswith(save.split()[-1])
    # and a command in the DM sees the server's daily subscription
    callback, _ = await env.answer("next", dm=True)
    assert "Daily tip: 10:00 UTC" in json.dumps(callback["data"])
    # the server is still the place of admin commands: its channel subscriptions
    channel = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
    iid = await env.fake.slash(ADMIN, "daily", {"channel": channel, "time": "08:00"}, admin=True)
    await env.fake.wait_callback(iid)
    subs = await env.core.store.run(
        lambda tx: tx.subscriptions.of_channels("discord", str(GUILD_ID))
    )
    assert [s.channel_id for s in subs] == [str(CHANNEL_ID)]


# admin --------------------------------------------------------------------------------


async def test_admin_command_refuses_a_non_admin(env: Env) -> None:
    channel = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
    iid = await env.fake.slash(ADMIN, "daily", {"channel": channel, "time": "08:00"})
    callback = await env.fake.wait_callback(iid)
    assert callback["type"] == 4
    assert callback["data"]["flags"] & EPHEMERAL
    assert "Manage Server" in callback["data"]["content"]
    assert "/career-admin daily" in callback["data"]["content"]
    # an admin gets through the check to the core
    iid = await env.fake.slash(ADMIN, "daily", {"channel": channel, "time": "08:00"}, admin=True)
    callback = await env.fake.wait_callback(iid)
    assert callback["type"] == 4
    assert "Manage Server" not in (callback["data"].get("content") or "")
    assert callback["data"]["embeds"]


# DMs (the messenger) --------------------------------------------------------------------


async def test_dm_caches_the_channel_and_dedupes_by_nonce(env: Env) -> None:
    ada = User("discord", "1000", "42", "Ada")
    first = await env.adapter.messenger.send_dm(ada, Reply(title="Daily tip"), key="d-42-1")
    again = await env.adapter.messenger.send_dm(ada, Reply(title="Daily tip"), key="d-42-1")
    other = await env.adapter.messenger.send_dm(ada, Reply(title="Another"), key="d-42-2")
    assert first.status is again.status is other.status is SendStatus.SENT
    assert again.message_id == first.message_id  # the resend found the first message
    assert other.message_id != first.message_id
    assert env.fake.dm_opens == 1
    assert [m["embeds"][0]["title"] for m in env.fake.messages] == ["Daily tip", "Another"]


async def test_dm_to_a_closed_inbox_is_unreachable_not_an_exception(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    env.fake.dm_closed.add("77")
    bea = User("discord", "1000", "77", "Bea")
    result = await env.adapter.messenger.send_dm(bea, Reply(title="Daily tip"), key="d-77-1")
    assert result.status is SendStatus.UNREACHABLE
    assert result.detail == "50007"
    assert env.fake.messages == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_dm_after_the_client_closed_is_a_result_not_a_traceback(
    core: Core, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(core, fake) as adapter:
        pass
    ada = User("discord", "1000", "42", "Ada")
    result = await adapter.messenger.send_dm(ada, Reply(title="Daily tip"), key="d-42-1")
    assert (result.status, result.detail) == (SendStatus.FAILED, "not connected")
    assert fake.messages == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_429_is_retried_and_logged(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.fake.fail_next(1, retry_after=0.05)
    caplog.set_level(logging.WARNING, logger="discord.http")
    result = await env.adapter.messenger.send_channel(
        "1000", str(CHANNEL_ID), Reply(title="Today's tip", ephemeral=False), key="c-1"
    )
    assert result.status is SendStatus.SENT
    assert ("/api/v10/channels/2000/messages", "429") in env.fake.rejected
    assert len(env.fake.messages) == 1
    assert any("rate limited" in r.getMessage() for r in caplog.records)


async def test_a_long_429_is_reported_as_rate_limited(core: Core, fake: FakeDiscord) -> None:
    async with running(core, fake) as adapter:
        adapter.client.http.max_ratelimit_timeout = 1.0
        fake.fail_next(1, retry_after=5.0)
        result = await adapter.messenger.send_channel(
            "1000", str(CHANNEL_ID), Reply(title="x"), key="c-2"
        )
    assert result.status is SendStatus.RATE_LIMITED
    assert result.retry_after == pytest.approx(5.0)


# slowness and failures -------------------------------------------------------------------


async def test_a_slow_core_is_deferred_then_answered(env: Env, slow_core: SlowCore) -> None:
    slow_core.hold()
    iid = await env.slash("help")
    callback = await env.fake.wait_callback(iid)
    assert callback["type"] == 5 and callback["data"]["flags"] & EPHEMERAL
    # the "thinking…" placeholder only: no answer while the core is held
    assert not any(m.get("edits") for m in env.fake.messages_for(iid))
    slow_core.release()
    (message,) = await env.fake.wait_for(
        lambda: [m for m in env.fake.messages_for(iid) if m.get("edits")]
    )
    assert message["embeds"][0]["title"] == messages.HELP_TITLE


async def test_a_failure_answers_with_an_apology_and_is_logged(
    env: Env, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(reply: Reply) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr("bot.platforms.discord.adapter.render", broken)
    iid = await env.slash("help")
    callback = await env.fake.wait_callback(iid)
    assert callback["data"]["content"] == messages.APOLOGY
    assert callback["data"]["flags"] & EPHEMERAL
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


# every command, end to end ----------------------------------------------------------------

SLASH_SAMPLES: dict[str, Any] = {
    "int": 1,
    "skill": "python",
    "role": "ml-engineer",
    "timezone": "Europe/Berlin",
    "time": "07:30",
    "days": "weekdays",
    "word": "language",
    "text": "tip",  # free text: help's <command>; skills' <category> below
}
SLASH_SAMPLES_BY_NAME: dict[str, Any] = {"category": "soft skill", "when": "tomorrow"}


async def test_every_command_answers_through_discord(env: Env) -> None:
    channel = {"id": str(CHANNEL_ID), "type": 0, "name": "general", "permissions": "0"}
    answered = 0
    for cmd in REGISTRY:
        if cmd.button_only:
            continue
        options: dict[str, Any] = {}
        for opt in cmd.options:
            if cmd.name == "link":  # a one-time code is no fixed sample: 'link' issues one
                continue
            if opt.kind == "choice":
                options[opt.name] = opt.choices[0]
            elif opt.kind == "channel":
                options[opt.name] = dict(channel)
            else:
                options[opt.name] = SLASH_SAMPLES_BY_NAME.get(opt.name, SLASH_SAMPLES[opt.kind])
        if cmd.admin:
            top, sub = ADMIN, cmd.slug.removeprefix("admin-")
        else:
            top, sub = top_of(env.fake, cmd.slug), cmd.slug
        iid = await env.fake.slash(top, sub, options, admin=cmd.admin)
        callback = await env.fake.wait_callback(iid)
        assert callback["type"] == 4, cmd.name
        data = callback["data"]
        assert data.get("content") != messages.APOLOGY, cmd.name
        assert data["embeds"], cmd.name
        assert data["embeds"][0]["title"] != messages.ERROR_TITLE, (cmd.name, data["embeds"])
        answered += 1
    assert env.fake.rejected == []
    assert answered == len([c for c in REGISTRY if not c.button_only])


# small contracts ------------------------------------------------------------------------


def test_api_base_adds_the_version() -> None:
    assert api_base("http://127.0.0.1:9/") == "http://127.0.0.1:9/api/v10"
    assert api_base("https://example.org/api") == "https://example.org/api/v10"
    assert api_base("https://example.org/api/v9") == "https://example.org/api/v9"


async def test_close_disconnects_and_restores_the_urls(
    core: Core, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with running(core, fake) as adapter:
        # the URLs are the client's own: discord.py's class attributes stay untouched
        assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        assert adapter.connected
    assert not adapter.connected
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert fake.token not in caplog.text  # the token never reaches a log line


async def test_notices_come_first_as_message_content(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def with_notice(request: Request) -> Reply:
        return Reply(title="Tip", notices=("Your daily tips are paused: DMs are closed.",))

    monkeypatch.setattr(env.core, "respond", with_notice)
    callback, _ = await env.answer("tip")
    assert callback["data"]["content"] == "⚠️ Your daily tips are paused: DMs are closed."


async def test_a_slow_button_that_replaces_edits_the_original(
    env: Env, slow_core: SlowCore
) -> None:
    _, (message,) = await env.answer("tip")
    slow_core.hold()
    click = await env.fake.click(message, "career:tip")
    callback = await env.fake.wait_callback(click)
    assert callback["type"] == 6  # deferred update: the message stays until the edit
    assert not message.get("edits")
    slow_core.release()
    await env.fake.wait_for(lambda: message.get("edits"))
    assert message["embeds"][0]["title"].startswith("Tip")
    assert env.fake.rejected == []


async def test_the_fake_rate_limit_is_waited_out_by_discord_py(env: Env) -> None:
    env.fake.rate_limit(2, 0.2)
    results = [
        await env.adapter.messenger.send_channel(
            "1000", str(CHANNEL_ID), Reply(title=f"post {i}"), key=f"c-rl-{i}"
        )
        for i in range(4)
    ]
    assert [r.status for r in results] == [SendStatus.SENT] * 4
    assert [m["embeds"][0]["title"] for m in env.fake.messages] == [f"post {i}" for i in range(4)]
    assert any(reason == "429" for _, reason in env.fake.rejected)


@pytest.mark.parametrize(
    ("status", "code", "message", "detail"),
    [
        (403, 50013, "Missing Permissions", "50013 Missing Permissions"),
        (403, 50001, "Missing Access", "50001 Missing Access"),
        (404, 10003, "Unknown Channel", "10003 Unknown Channel"),
        (403, 20009, "Explicit content cannot be sent", "HTTP 403 code 20009"),
    ],
)
async def test_a_refused_channel_post_is_unreachable_after_one_attempt(
    env: Env, status: int, code: int, message: str, detail: str
) -> None:
    env.fake.refuse_posts(CHANNEL_ID, status, code, message)
    result = await env.adapter.messenger.send_channel(
        "1000", str(CHANNEL_ID), Reply(title="Today's tip", ephemeral=False), key="c-403"
    )
    assert result.status is SendStatus.UNREACHABLE
    assert result.detail == detail
    path = f"/api/v10/channels/{CHANNEL_ID}/messages"
    assert env.fake.requests.count(("POST", path)) == 1
    assert env.fake.messages == []


async def test_two_adapters_with_their_own_urls_in_one_process(core: Core) -> None:
    """DISCORD_API_URL / DISCORD_GATEWAY_URL belong to one client: two adapters on two
    Discord-compatible servers log in, sync, answer interactions and send DMs each at
    its own server, at the same time (a process-wide override would send one of them to
    the other's server)."""
    async with (
        FakeDiscord() as one,
        FakeDiscord() as two,
        running(core, one) as first,
        running(core, two) as second,
    ):
        assert one.commands and two.commands  # each synced at its own server
        for fake in (one, two):
            iid = await fake.slash("career", "help")
            callback = await fake.wait_callback(iid)
            assert callback["type"] == 4
        ada = User("discord", GLOBAL_TENANT, "4242", "ada")
        assert (await first.messenger.send_dm(ada, Reply("one"), key="k1")).status.name == "SENT"
        assert (await second.messenger.send_dm(ada, Reply("two"), key="k2")).status.name == "SENT"
        assert [m["embeds"][0]["title"] for m in one.messages if m.get("nonce")] == ["one"]
        assert [m["embeds"][0]["title"] for m in two.messages if m.get("nonce")] == ["two"]


def _group_of(fake: FakeDiscord, slug: str) -> str:
    """/career, or /career-more once the user commands overflow Discord's 25."""
    for group in (GROUP, MORE):
        options = fake.find_command(group, guild=fake.guild_id).get("options") or []
        if any(o["name"] == slug for o in options):
            return group
    raise AssertionError(f"no /{slug}")


@pytest.mark.parametrize(
    ("slug", "prefix", "heading"),
    [
        ("roadmap-export", "careerbot-roadmap-", "# Roadmap to ML engineer"),
        ("progress-export", "careerbot-progress-", "# My ML engineering progress"),
    ],
)
async def test_markdown_exports_arrive_as_a_file(
    env: Env, slug: str, prefix: str, heading: str
) -> None:
    await env.answer("roadmap-done", {"n": 1})
    iid = await env.fake.slash(_group_of(env.fake, slug), slug)
    callback = await env.fake.wait_callback(iid)
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    (message,) = env.fake.messages_for(iid)
    [name] = message["files"]  # sent as multipart/form-data with the file part
    assert name.startswith(prefix) and name.endswith(".md")
    [upload] = [u for u in env.fake.uploads if u["filename"] == name]
    text = upload["data"].decode("utf-8")
    assert text.startswith(heading + "\n")
    assert f"- [x] 1. {env.core.bank.steps[0].title}" in text
    assert env.fake.rejected == []

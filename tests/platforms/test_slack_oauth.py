"""OAuth mode end to end: the real slack-bolt (HTTP mode) installs two workspaces through
the fake Slack's authorize page and oauth.v2.access; each gets its commands and daily
tips with its own token; leaving ends one and not the other."""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet, InvalidToken

from bot.config import ConfigError
from bot.core.app import Core
from bot.core.ports import Store
from bot.core.requests import Request, User
from bot.delivery import Scheduler, Sender
from bot.platforms.slack import PLATFORM as SLACK
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.oauth import ENTERPRISE_REFUSED
from bot.platforms.slack.settings import SlackSettings
from bot.platforms.slack.tenants import purge
from tests.conftest import FakeClock
from tests.fakes.slack import FakeSlack, form_body, signed_headers, slash_command

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
KEY = Fernet.generate_key().decode()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Naps:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)  # the sends in flight (token look-ups) go on meanwhile


class Gate:
    """The sender's sleep: time stands still until the test opens the gate (a Retry-After
    wait lasts until then; a shorter wait only yields); then it moves the fake clock on."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.open = asyncio.Event()
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        if seconds >= 30:
            await self.open.wait()
        if self.open.is_set():
            self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)


def oauth_settings(fake: FakeSlack, **kw: Any) -> SlackSettings:
    values: dict[str, Any] = {
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "http_host": "127.0.0.1",
        "http_port": 0,
        "slack_client_id": fake.client_id,
        "slack_client_secret": fake.client_secret,
        "secret_key": KEY,
    }
    values.update(kw)
    return SlackSettings(**values)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as f:
        f.add_team("TA", "Alpha")
        f.add_team("TB", "Beta", rotation=True)
        f.expires_in = 60  # under the 120 minutes of notice: every use refreshes first
        f.add_user("UA", name="ada", tz="Europe/Berlin")
        f.add_user("UB", name="bob", tz="Europe/Berlin")
        yield f


@asynccontextmanager
async def running(core: Core, fake: FakeSlack, **kw: Any) -> AsyncIterator[SlackAdapter]:
    adapter = SlackAdapter(oauth_settings(fake, **kw), core)
    await adapter.start()
    fake.redirect_url = f"{base(adapter)}/slack/oauth_redirect"
    try:
        yield adapter
    finally:
        await adapter.close()


def base(adapter: SlackAdapter) -> str:
    return f"http://127.0.0.1:{adapter.bound_port}"


async def begin(
    http: aiohttp.ClientSession, adapter: SlackAdapter, fake: FakeSlack
) -> tuple[str, str]:
    """The browser opens /slack/install and follows its link to Slack's authorize page,
    which approves: (the redirect URL Slack sends the browser to, the state cookie)."""
    async with http.get(f"{base(adapter)}/slack/install") as r:
        assert r.status == 200
        page = await r.text()
        cookie = r.headers["Set-Cookie"].split(";")[0]
    link = re.search(r'<a href="([^"]+)"', page)
    assert link is not None
    url = html.unescape(link[1])
    assert url.startswith(f"{fake.base_url}/oauth/v2/authorize?")
    assert f"client_id={fake.client_id}" in url and "scope=commands" in url
    async with http.get(url, allow_redirects=False) as r:
        assert r.status == 302
        return r.headers["Location"], cookie


async def install(adapter: SlackAdapter, fake: FakeSlack, team: str) -> tuple[int, str]:
    fake.installing = team
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        redirect, cookie = await begin(http, adapter, fake)
        async with http.get(redirect, headers={"Cookie": cookie}) as r:
            return r.status, await r.text()


async def post_event(
    adapter: SlackAdapter, body: str, *, json_body: bool = False
) -> tuple[int, str]:
    headers = signed_headers(SECRET, body)
    if json_body:
        headers["Content-Type"] = "application/json"
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base(adapter)}/slack/events", data=body.encode(), headers=headers) as r,
    ):
        return r.status, await r.text()


async def command(adapter: SlackAdapter, fake: FakeSlack, team: str, user: str, text: str) -> str:
    channel = "D" + user.removeprefix("U")
    url = fake.new_response_url(channel, user)
    body = form_body(
        slash_command(text, response_url=url, user_id=user, channel_id=channel, team_id=team)
    )
    status, answer = await post_event(adapter, body)
    assert status == 200, answer
    if answer:
        return str(json.loads(answer).get("text", ""))
    msgs = await fake.wait_for(lambda: [m for m in fake.messages if m.url == url])
    return str(msgs[0].text)


def event(team: str, kind: str, **fields: Any) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "ACAREERBOT",
            "type": "event_callback",
            "event_id": f"Ev{kind}{team}",
            "event_time": 1700000000,
            "event": {"type": kind, **fields},
        }
    )


def tips_to(fake: FakeSlack, channel: str) -> list[Any]:
    return [m for m in fake.history(channel) if m.metadata]


async def test_two_workspaces_install_and_each_uses_its_own_token(
    fake: FakeSlack, core: Core, clock: FakeClock, store: Store
) -> None:
    async with running(core, fake) as adapter:
        for team in ("TA", "TB"):
            status, page = await install(adapter, fake, team)
            assert status == 200, page
        assert len(fake.api_calls("oauth.v2.access")) == 2

        # commands: users.info (the zone) with the workspace's own token
        assert "(Europe/Berlin)" in await command(adapter, fake, "TA", "UA", "daily 07:30")
        assert "(Europe/Berlin)" in await command(adapter, fake, "TB", "UB", "daily 07:30")
        ta, tb = fake.teams["TA"], fake.teams["TB"]
        assert {c.params["user"] for c in fake.calls_of("TA", "users.info")} == {"UA"}
        assert {c.params["user"] for c in fake.calls_of("TB", "users.info")} == {"UB"}
        assert len(tb.tokens) > 1  # Beta rotates: refreshed before use
        refreshes = [c for c in fake.api_calls("oauth.v2.access") if "refresh_token" in c.params]
        assert refreshes

        # the daily tips, one per workspace, each posted with that workspace's token
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 6, 30)
        assert (await scheduler.tick()).sent == 2
        [a_post] = fake.calls_of("TA", "chat.postMessage")
        [b_post] = fake.calls_of("TB", "chat.postMessage")
        assert (a_post.params["channel"], a_post.token) == ("DA", ta.tokens[-1])
        assert (b_post.params["channel"], b_post.token) == ("DB", tb.tokens[-1])
        assert len(tips_to(fake, "DA")) == len(tips_to(fake, "DB")) == 1

        # tokens at rest: the stored row is ciphertext under CAREERBOT_SECRET_KEY
        sealed = await store.run(lambda tx: tx.installations.sealed("slack", "TA"))
        assert sealed is not None and ta.tokens[0] not in sealed and "xoxb-" not in sealed
        with pytest.raises(InvalidToken):
            Fernet(Fernet.generate_key()).decrypt(sealed.encode())
        assert json.loads(Fernet(KEY).decrypt(sealed.encode()))["bot_token"] == ta.tokens[0]
        sealed_b = await store.run(lambda tx: tx.installations.sealed("slack", "TB"))
        assert sealed_b is not None and tb.refresh_token and tb.refresh_token not in sealed_b


async def test_a_forged_or_replayed_state_is_refused(fake: FakeSlack, core: Core) -> None:
    async with running(core, fake) as adapter:
        fake.installing = "TA"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            redirect, cookie = await begin(http, adapter, fake)
            forged = re.sub(r"state=[^&]+", "state=forged", redirect)
            # an attacker's own browser: its cookie matches its forged state
            async with http.get(forged, headers={"Cookie": "slack-app-oauth-state=forged"}) as r:
                assert r.status == 401
            async with http.get(redirect, headers={"Cookie": cookie}) as r:
                assert r.status == 200
            async with http.get(redirect, headers={"Cookie": cookie}) as r:
                assert r.status == 401  # replayed
        assert len(fake.api_calls("oauth.v2.access")) == 1  # only the genuine one
        assert [
            t.tenant for t in await core.store.run(lambda tx: tx.installations.tenants("slack"))
        ] == ["TA"]


async def test_an_org_wide_enterprise_install_is_refused(fake: FakeSlack, core: Core) -> None:
    fake.add_team("TE", "Org", enterprise="E1")
    async with running(core, fake) as adapter:
        status, page = await install(adapter, fake, "TE")
        assert status == 400
        assert html.escape(ENTERPRISE_REFUSED).split(".")[0] in page
        assert await core.store.run(lambda tx: tx.installations.tenants("slack")) == []


async def test_uninstall_stops_one_workspace_and_revoking_ends_the_other(
    fake: FakeSlack, core: Core, clock: FakeClock
) -> None:
    async with running(core, fake) as adapter:
        for team in ("TA", "TB"):
            assert (await install(adapter, fake, team))[0] == 200
        await command(adapter, fake, "TA", "UA", "daily 07:30")
        await command(adapter, fake, "TB", "UB", "daily 07:30")
        scheduler = Scheduler(
            core, [adapter.messenger], clock=clock, sleep=Naps(clock), pace=clock.seconds
        )
        clock.now = utc(2026, 3, 3, 6, 30)
        assert (await scheduler.tick()).sent == 2

        fake.revoke("TA")
        status, _ = await post_event(adapter, event("TA", "app_uninstalled"), json_body=True)
        assert status == 200
        tenants = await core.store.run(lambda tx: tx.installations.tenants("slack"))
        assert [(t.tenant, t.state) for t in tenants] == [("TA", "uninstalled"), ("TB", "active")]
        clock.now = utc(2026, 3, 4, 6, 30)
        assert (await scheduler.tick()).sent == 1
        assert len(tips_to(fake, "DA")) == 1 and len(tips_to(fake, "DB")) == 2

        revoked = event("TB", "tokens_revoked", tokens={"oauth": [], "bot": ["UCAREERBOT"]})
        fake.revoke("TB")
        assert (await post_event(adapter, revoked, json_body=True))[0] == 200
        clock.now = utc(2026, 3, 5, 6, 30)
        assert (await scheduler.tick()).outcomes == {}
        assert len(tips_to(fake, "DA")) == 1 and len(tips_to(fake, "DB")) == 2
        assert len(fake.api_calls("chat.postMessage")) == 3

    # the grace period: data kept until it is over, then purged
    assert await purge(core.store, utc(2026, 3, 10), 30) == []
    gone = await purge(core.store, utc(2026, 4, 2, 7), 30)  # Beta left a day later
    assert gone == [("TA", 1)]
    assert await core.store.run(lambda tx: tx.users.find_user("slack", "TA", "UA")) is None
    assert await core.store.run(lambda tx: tx.users.find_user("slack", "TB", "UB")) is not None


async def test_a_429_in_one_workspace_leaves_the_others_fan_out_alone(
    fake: FakeSlack, core: Core, clock: FakeClock
) -> None:
    async with running(core, fake) as adapter:
        for team in ("TA", "TB"):
            assert (await install(adapter, fake, team))[0] == 200
        # Alpha's subscribers first: a budget shared by the workspaces would be spent on
        # Alpha's eight before Beta's turn, and Beta would wait out Alpha's 429 too
        for team, count in (("TA", SLACK.limits.limit), ("TB", 4)):
            for i in range(count):
                uid = f"U{team[1]}{i}"
                fake.add_user(uid, tz="UTC")
                user = User("slack", team, uid, uid)
                assert (await core.respond(Request(user, "daily 10:00 UTC"))).ok
        fake.fail_next("chat.postMessage", team="TA", retry_after=30)
        gate = Gate(clock)
        sender = Sender(
            {"slack": adapter.messenger}, {"slack": SLACK.limits}, now=clock.seconds, sleep=gate
        )
        scheduler = Scheduler(core, [adapter.messenger], clock=clock, sender=sender)
        clock.now = utc(2026, 3, 2, 10)
        tick = asyncio.create_task(scheduler.tick())
        # Alpha's Retry-After holds until the gate opens; Beta's whole fan-out goes out
        # meanwhile (a budget shared across workspaces would hold it too: a time-out here)
        await fake.wait_for(
            lambda: len(fake.calls_of("TB", "chat.postMessage")) == 4,
            what="Beta's fan-out while Alpha waits out its 429",
        )
        assert 30.0 in gate.seconds
        gate.open.set()
        assert (await tick).sent == SLACK.limits.limit + 4
        teams = [fake.team_of(c.token) for c in fake.api_calls("chat.postMessage")]
        assert teams.count("TA") == SLACK.limits.limit + 1  # one 429, then retried
        assert teams.count("TB") == 4


async def test_a_missing_or_wrong_key_is_a_clear_start_error(fake: FakeSlack, core: Core) -> None:
    async with running(core, fake) as adapter:
        assert (await install(adapter, fake, "TA"))[0] == 200
    with pytest.raises(ConfigError, match="^CAREERBOT_SECRET_KEY is not set"):
        async with running(core, fake, secret_key=""):
            pass
    with pytest.raises(ConfigError, match="^CAREERBOT_SECRET_KEY is not a valid key"):
        async with running(core, fake, secret_key="nope"):
            pass
    other = Fernet.generate_key().decode()
    with pytest.raises(ConfigError, match="cannot decrypt the stored Slack installations"):
        async with running(core, fake, secret_key=other):
            pass

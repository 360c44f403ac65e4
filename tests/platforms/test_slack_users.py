"""users.info belongs to the Slack adapter (bot.platforms.slack.users), not the messenger:
name, time zone and admin flag, cached, through the adapter's retrying client."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.users import Profile, Profiles
from tests.fakes.slack import TEAM_ID, FakeSlack, slash_command
from tests.platforms.slack_env import answer, header, slack, socket_adapter

__all__ = ["slack", "socket_adapter"]  # fixtures used here


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def client(slack: FakeSlack) -> AsyncWebClient:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(
            token=slack.bot_token, base_url=slack.api_url, session=session, retry_handlers=[]
        )


async def test_a_profile_is_read_once_an_hour(slack: FakeSlack, client: AsyncWebClient) -> None:
    ticks = Ticks()
    profiles = Profiles(client, monotonic=ticks)
    grace = Profile("grace", "America/New_York", True)
    assert await profiles.get(TEAM_ID, "U2") == grace
    ticks.now = 3599
    assert await profiles.get(TEAM_ID, "U2") == grace
    assert len(slack.api_calls("users.info")) == 1
    ticks.now = 3600  # the hour is over: Slack is asked again
    slack.users["U2"]["tz"] = "Asia/Tokyo"
    assert await profiles.get(TEAM_ID, "U2") == Profile("grace", "Asia/Tokyo", True)
    assert len(slack.api_calls("users.info")) == 2


async def test_a_failed_look_up_keeps_the_last_answer(
    slack: FakeSlack, client: AsyncWebClient, caplog: pytest.LogCaptureFixture
) -> None:
    ticks = Ticks()
    profiles = Profiles(client, monotonic=ticks)
    ada = await profiles.get(TEAM_ID, "U1")
    assert ada == Profile("ada", "Europe/Berlin", False)
    ticks.now = 7200
    slack.fail_next("users.info", status=200, error="internal_error")
    assert await profiles.get(TEAM_ID, "U1") == ada
    assert await profiles.get(TEAM_ID, "U404") is None  # user_not_found, never known
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bot.")] == [
        "users.info failed for a user: internal_error",
        "users.info failed for a user: user_not_found",
    ]


@pytest.mark.parametrize("tz", [None, "", "Mars/Olympus", "../etc/passwd"])
async def test_a_zone_slack_gives_that_is_no_zone_is_none(
    slack: FakeSlack, client: AsyncWebClient, tz: str | None
) -> None:
    slack.add_user("U9", name="zed", tz=tz)
    assert await Profiles(client).get(TEAM_ID, "U9") == Profile("zed", None, False)


async def test_the_adapter_reads_users_and_the_messenger_only_sends(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    for _ in range(2):
        url = slack.new_response_url("C1", "U1")
        env = await slack.send_envelope("slash_commands", slash_command("help", response_url=url))
        assert header(await answer(slack, url, await slack.wait_ack(env)))
    assert len(slack.api_calls("users.info")) == 1  # the adapter's cache
    cached = await socket_adapter.profiles.get(TEAM_ID, "U1")
    assert cached == Profile("ada", "Europe/Berlin", False)
    assert not hasattr(socket_adapter.messenger, "profile")

"""The Slack Messenger (DMs, channel posts, idempotent resend) and 429 handling."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.ports import SendStatus
from bot.core.replies import Button, Reply
from bot.core.requests import User
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.messenger import EVENT_TYPE, SlackMessenger
from tests.fakes.slack import TEAM_ID, FakeSlack, home_opened, slash_command
from tests.platforms.slack_env import answer, header, retry_sleeps, slack, socket_adapter

__all__ = ["retry_sleeps", "slack", "socket_adapter"]  # fixtures used here

TIP = Reply(
    title="Tip · Rust",
    body="Read the ownership chapter.",
    kind="tip",
    buttons=(Button("Next", "tip", "primary"), Button("Save", "save t005")),
)
ADA = User("slack", TEAM_ID, "U1", "ada")


@pytest.fixture
async def messenger(slack: FakeSlack) -> SlackMessenger:
    async with aiohttp.ClientSession() as session:
        yield SlackMessenger(
            AsyncWebClient(
                token=slack.bot_token, base_url=slack.api_url, session=session, retry_handlers=[]
            )
        )


async def test_dm_opens_the_conversation_and_posts(
    slack: FakeSlack, messenger: SlackMessenger
) -> None:
    result = await messenger.send_dm(ADA, TIP, key="2026-03-02:U1")
    assert result.status is SendStatus.SENT
    [msg] = slack.history("D1")
    assert msg.via == "chat.postMessage"
    assert header(msg) == "Tip · Rust"
    assert msg.metadata == {"event_type": EVENT_TYPE, "event_payload": {"key": "2026-03-02:U1"}}
    assert result.message_id == f"D1/{msg.ts}"
    assert [c.method for c in slack.calls] == ["conversations.open", "chat.postMessage"]


async def test_resend_with_the_same_key_sends_nothing(
    slack: FakeSlack, messenger: SlackMessenger
) -> None:
    first = await messenger.send_dm(ADA, TIP, key="k1")
    # a first attempt spends no conversations.history call (its rate limit is tight)
    assert slack.api_calls("conversations.history") == []
    # a fresh messenger (a restarted process) finds the key in the DM's history
    again = await SlackMessenger(
        AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
    ).send_dm(ADA, TIP, key="k1", resend=True)
    assert again.status is SendStatus.SENT
    assert again.detail == "already_sent"
    assert again.message_id == first.message_id
    assert len(slack.history("D1")) == 1
    history = slack.api_calls("conversations.history")[-1]
    assert str(history.params["include_all_metadata"]).lower() in ("1", "true")
    other = await messenger.send_dm(ADA, TIP, key="k2", resend=True)
    assert other.status is SendStatus.SENT and other.detail == ""
    assert len(slack.history("D1")) == 2


@pytest.mark.parametrize("error", ["cannot_dm_bot", "account_inactive", "user_not_found"])
async def test_unreachable_users(slack: FakeSlack, messenger: SlackMessenger, error: str) -> None:
    slack.user_errors["U1"] = error
    result = await messenger.send_dm(ADA, TIP, key="k")
    assert result.status is SendStatus.UNREACHABLE
    assert result.detail == error
    assert slack.messages == []


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel"])
async def test_unreachable_channels(
    slack: FakeSlack, messenger: SlackMessenger, error: str
) -> None:
    slack.channel_errors["C9"] = error
    result = await messenger.send_channel(TEAM_ID, "C9", TIP, key="k")
    assert result.status is SendStatus.UNREACHABLE and result.detail == error


async def test_channel_post(slack: FakeSlack, messenger: SlackMessenger) -> None:
    result = await messenger.send_channel(TEAM_ID, "C7", TIP, key="daily-C7")
    assert result.status is SendStatus.SENT
    assert slack.history("C7")[0].metadata["event_payload"] == {"key": "daily-C7"}


async def test_rate_limit_maps_to_rate_limited(slack: FakeSlack, messenger: SlackMessenger) -> None:
    slack.channel_limit = 1
    slack.rate_window = 30
    assert (await messenger.send_channel(TEAM_ID, "C7", TIP, key="a")).status is SendStatus.SENT
    limited = await messenger.send_channel(TEAM_ID, "C7", TIP, key="b")
    assert limited.status is SendStatus.RATE_LIMITED
    assert limited.retry_after is not None and 1 <= limited.retry_after <= 30
    # another channel is not limited per channel ...
    assert (await messenger.send_channel(TEAM_ID, "C8", TIP, key="c")).status is SendStatus.SENT
    # ... but the workspace limit covers every channel
    slack.workspace_limit = 2
    assert (
        await messenger.send_channel(TEAM_ID, "C6", TIP, key="d")
    ).status is SendStatus.RATE_LIMITED


async def test_other_errors_fail(slack: FakeSlack, messenger: SlackMessenger) -> None:
    slack.fail_next("chat.postMessage", status=200, error="internal_error")
    result = await messenger.send_channel(TEAM_ID, "C7", TIP, key="a")
    assert result.status is SendStatus.FAILED and result.detail == "internal_error"


async def test_a_session_closed_under_a_send_is_a_result_not_a_traceback(
    slack: FakeSlack, retry_sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    """The shared session closes while Slack has not answered a DM yet (the adapter closed
    under a send): the dropped connection (or, with a retry, "Session is closed") is a
    FAILED result, "not connected"."""
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(
            token=slack.bot_token, base_url=slack.api_url, session=session, retry_handlers=[]
        )
        messenger = SlackMessenger(client)
        slack.hold()
        send = asyncio.create_task(messenger.send_dm(ADA, TIP, key="k-closed"))
        await slack.wait_for(lambda: slack.held, what="a DM waiting for Slack's answer")
        await session.close()
        result = await send
    assert (result.status, result.detail) == (SendStatus.FAILED, "not connected")
    [line] = [r for r in caplog.records if r.name.startswith("bot.")]
    assert line.levelno == logging.WARNING and line.exc_info is None


async def test_a_post_slack_accepted_before_the_connection_dropped_is_not_sent_twice(
    slack: FakeSlack, socket_adapter: SlackAdapter, retry_sleeps: list[float]
) -> None:
    """Slack posts the DM, then the connection drops before its answer: the messenger's
    client must not retry (slack-sdk's default connection-error retry would post the
    same DM again). The send is FAILED for the ledger, whose resend with the same key
    finds the delivery in the DM's history and sends nothing."""
    messenger = socket_adapter.messenger  # the messenger exactly as production builds it
    slack.drop_next("chat.postMessage")
    result = await messenger.send_dm(ADA, TIP, key="k-dropped")
    assert result.status is SendStatus.FAILED
    assert len(slack.api_calls("chat.postMessage")) == 1
    assert len(slack.history("D1")) == 1  # the user got it once
    again = await messenger.send_dm(ADA, TIP, key="k-dropped", resend=True)
    assert (again.status, again.detail) == (SendStatus.SENT, "already_sent")
    assert len(slack.history("D1")) == 1
    assert retry_sleeps == []


def test_the_messenger_refuses_a_client_that_retries() -> None:
    with pytest.raises(ValueError, match="retry"):
        SlackMessenger(AsyncWebClient(token="xoxb-1"))  # slack-sdk's default handlers


async def test_long_reply_is_split_and_the_key_marks_the_last_page(
    slack: FakeSlack, messenger: SlackMessenger
) -> None:
    big = Reply(title="Long", body="word " * 40_000)
    result = await messenger.send_dm(ADA, big, key="long")
    assert result.status is SendStatus.SENT
    pages = slack.history("D1")
    assert len(pages) > 1
    assert [p.metadata is not None for p in pages] == [False] * (len(pages) - 1) + [True]


async def test_429_on_a_reply_is_retried(
    slack: FakeSlack, socket_adapter: SlackAdapter, retry_sleeps: list[float]
) -> None:
    """The interactive client retries 429s (slack-sdk's rate-limit retry handler)."""
    slack.fail_next("users.info", retry_after=1)
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope("slash_commands", slash_command("progress", response_url=url))
    msg = await answer(slack, url, await slack.wait_ack(env))
    assert header(msg) == "Your progress"
    assert len(slack.api_calls("users.info")) == 2  # the 429, then the retry
    assert len(retry_sleeps) == 1 and 1 <= retry_sleeps[0] < 2  # Retry-After honoured


async def test_a_failing_reply_still_answers_the_user(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    """response_url gone: the adapter falls back to chat.postEphemeral."""
    socket_adapter.inline_budget = 0.0
    url = slack.base_url + "/respond/expired"
    env = await slack.send_envelope("slash_commands", slash_command("help", response_url=url))
    await slack.wait_ack(env)
    [msg] = await slack.wait_for(
        lambda: [m for m in slack.messages if m.via == "chat.postEphemeral"]
    )
    assert msg.user == "U1" and header(msg) == "careerbot: commands"


async def test_429_on_views_publish_is_retried(
    slack: FakeSlack, socket_adapter: SlackAdapter, retry_sleeps: list[float]
) -> None:
    slack.fail_next("views.publish", retry_after=1, times=2)
    env = await slack.send_envelope("events_api", home_opened("U1"))
    await slack.wait_ack(env)
    await slack.wait_for(lambda: slack.views, what="views.publish after two 429s")
    assert len(slack.api_calls("views.publish")) == 3
    assert len(retry_sleeps) == 2 and all(1 <= s < 2 for s in retry_sleeps)

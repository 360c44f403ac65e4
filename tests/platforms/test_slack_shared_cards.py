"""Shared cards stay shared: a click with a personal effect on a message others see is
answered to the clicker alone, and the shared message is left as it was.

Real slack-bolt in Socket Mode against the fake Slack. A tip is shared through the
Share button (an ``in_channel`` post via the response_url); then someone clicks a
button under it (``container.is_ephemeral`` false, as Slack sends for an ordinary
message). Only the clicker's own messages — ephemeral ones, and those in the
clicker's DM with the bot — may be replaced by the answer.
"""

from __future__ import annotations

import json

import pytest

from bot.bank import Bank
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.blocks import escape
from tests.fakes.slack import FakeSlack, Message, block_actions, slash_command
from tests.platforms.slack_env import answer, buttons, header, slack, socket_adapter, via_url

__all__ = ["slack", "socket_adapter"]  # fixtures used here


async def share_a_tip(fake: FakeSlack, channel: str) -> Message:
    """ada asks for a tip in ``channel`` and presses Share: the shared card."""
    url = fake.new_response_url(channel, "U1")
    env = await fake.send_envelope(
        "slash_commands", slash_command("tip", response_url=url, channel_id=channel)
    )
    tip = await answer(fake, url, await fake.wait_ack(env))
    share = next(v for v in buttons(tip).values() if v.startswith("share "))
    url = fake.new_response_url(channel, "U1")
    env = await fake.send_envelope(
        "interactive", block_actions(share, response_url=url, channel_id=channel)
    )
    await fake.wait_ack(env)
    [shared] = await via_url(fake, url)
    assert shared.response_type == "in_channel" and not shared.replace_original
    return shared


async def click(
    fake: FakeSlack, message: Message, value: str, *, user_id: str, is_ephemeral: bool = False
) -> Message:
    """``user_id`` clicks the button ``value`` on ``message``; the one answer it gets."""
    url = fake.new_response_url(message.channel, user_id)
    payload = block_actions(
        value,
        response_url=url,
        user_id=user_id,
        user_name="grace" if user_id == "U2" else "ada",
        channel_id=message.channel,
        message_ts=message.ts,
        is_ephemeral=is_ephemeral,
    )
    env = await fake.send_envelope("interactive", payload)
    await fake.wait_ack(env)
    [got] = await via_url(fake, url)
    return got


def assert_answered_privately(fake: FakeSlack, got: Message, user_id: str) -> None:
    assert got.response_type == "ephemeral"
    assert got.replace_original is False
    assert got.user == user_id
    assert fake.api_calls("chat.update") == []
    assert not [m for m in fake.messages if m.replace_original]


@pytest.mark.parametrize(
    "channel",
    ["C1", "G0PRIVATE", "D0ADAGRACE"],
    ids=["public channel", "private channel", "DM between two people"],
)
@pytest.mark.parametrize("user_id", ["U2", "U1"], ids=["someone else", "the sharer"])
async def test_get_my_own_tip_under_a_shared_tip_answers_privately(
    slack: FakeSlack, socket_adapter: SlackAdapter, channel: str, user_id: str
) -> None:
    shared = await share_a_tip(slack, channel)
    [source] = [v for v in buttons(shared).values() if v.startswith("source ")]
    assert buttons(shared) == {"career:tip": "tip", f"career:{source}": source}  # own tip, Source
    got = await click(slack, shared, "tip", user_id=user_id)
    assert_answered_privately(slack, got, user_id)
    assert header(got).startswith("Tip")


@pytest.mark.parametrize("user_id", ["U2", "U1"], ids=["someone else", "the sharer"])
async def test_source_under_a_shared_tip_shows_the_quote_privately(
    slack: FakeSlack, socket_adapter: SlackAdapter, fixture_bank: Bank, user_id: str
) -> None:
    """The card names its source in one context line (no quote paragraph); the Source
    button answers the clicker alone with the quote; the shared card is left as it was."""
    shared = await share_a_tip(slack, "C1")
    [source] = [v for v in buttons(shared).values() if v.startswith("source ")]
    tip = fixture_bank.tips[source.split()[-1]]
    context = [e["text"] for b in shared.blocks if b["type"] == "context" for e in b["elements"]]
    assert [t for t in context if "Source" in t] == [
        "📄 Source: " + _linked(fixture_bank, tip.source.doc)
    ]
    quote = escape(tip.source.quote)
    assert quote not in json.dumps(shared.blocks, ensure_ascii=False)
    assert quote not in shared.text
    got = await click(slack, shared, source, user_id=user_id)
    assert_answered_privately(slack, got, user_id)
    assert header(got) == f"Where {tip.id} comes from"
    sections = [b["text"]["text"] for b in got.blocks if b["type"] == "section" and "text" in b]
    assert f"“{quote}”" in sections


def _linked(bank: Bank, doc: str) -> str:
    info = bank.docs[doc]
    assert len(info.title) <= 60  # the short title of documents.yaml
    return f"<{info.url}|{escape(info.title)}>" if info.url else escape(info.title)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("tip", "Tip"),
        ("save t001", "Saved t001"),
        ("rate t001 down", "Got it: t001"),
        ("learn rust", "Rust is now on your learning list"),
    ],
)
@pytest.mark.parametrize("channel", ["C1", "D0ADAGRACE"])
async def test_personal_buttons_on_a_channel_post_answer_privately(
    slack: FakeSlack, socket_adapter: SlackAdapter, value: str, said: str, channel: str
) -> None:
    """A channel's daily post (Get my own tip, Save) and other cards others can see."""
    post = Message(channel, "1700000000.000200", "daily tip", [], "chat.postMessage")
    got = await click(slack, post, value, user_id="U2")
    assert_answered_privately(slack, got, "U2")
    assert said in header(got)


async def test_a_click_in_the_clickers_own_dm_may_replace_the_message(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    """The daily DM (in D1, the bot's DM with U1) is ada's alone: Next replaces it."""
    dm = Message("D1", "1700000000.000300", "daily tip", [], "chat.postMessage")
    got = await click(slack, dm, "tip", user_id="U1")
    assert got.replace_original is True
    assert header(got).startswith("Tip")
    again = await click(slack, dm, "tip", user_id="U1")
    assert again.replace_original is True
    assert len(slack.api_calls("conversations.open")) == 1  # the bot's DM is remembered


async def test_an_ephemeral_message_may_still_be_replaced(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    mine = Message("C1", "1700000000.000400", "", [], "response_url")
    got = await click(slack, mine, "skill rust", user_id="U1", is_ephemeral=True)
    assert got.replace_original is True
    assert slack.api_calls("conversations.open") == []


async def test_when_slack_cannot_say_whose_dm_it_is_the_answer_is_private(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    slack.fail_next("conversations.open", status=200, error="missing_scope")
    dm = Message("D1", "1700000000.000500", "daily tip", [], "chat.postMessage")
    got = await click(slack, dm, "tip", user_id="U1")
    assert_answered_privately(slack, got, "U1")

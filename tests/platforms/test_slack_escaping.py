"""Slack's ``&`` ``<`` ``>``: unescaped once on the way in, escaped once on the way out.

Slack sends these three characters of slash-command text as ``&amp;``, ``&lt;``,
``&gt;``, and reads them as mrkdwn control characters in everything we send, the
top-level ``text`` fallback included (notifications, screen readers). Driven through
the real slack-bolt app (signed HTTP requests) and the real slack-sdk against the
fake Slack; the assertions are on what the fake received.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bank import Bank
from bot.core import refs
from bot.core.app import Core
from bot.core.replies import Reply, SourceRef
from bot.core.requests import User
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.blocks import render, unescape
from bot.storage.sqlite import SqliteStore as Store
from tests.conftest import FakeClock
from tests.fakes.slack import TEAM_ID, FakeSlack, Message, form_body, signed_headers, slash_command
from tests.platforms.slack_env import SECRET, header, http_adapter, running, slack, via_url
from tests.platforms.test_slack_http import events_url, post

__all__ = ["http_adapter", "slack"]  # fixtures used here


def mrkdwn_texts(msg: Message) -> list[str]:
    """Every mrkdwn string of the message: the fallback, sections, fields, context."""
    out = [msg.text]
    for block in msg.blocks:
        if isinstance(block.get("text"), dict) and block["text"]["type"] == "mrkdwn":
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", []) if f["type"] == "mrkdwn"]
        out += [e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return out


async def command(
    fake: FakeSlack, adapter: SlackAdapter, text: str, *, user_id: str = "U1", inline: bool
) -> Message:
    """A signed /career with ``text`` as Slack sends it; the answer as Slack got it."""
    adapter.inline_budget = 1.0 if inline else 0.0
    url = fake.new_response_url("C1", user_id)
    body = form_body(slash_command(text, response_url=url, user_id=user_id))
    status, raw = await post(events_url(adapter), body, signed_headers(SECRET, body))
    assert status == 200
    if raw:  # answered inside the HTTP response of the request itself
        got = json.loads(raw)
        return Message("C1", "", got["text"], got["blocks"], "ack", response_type="ephemeral")
    [msg] = await via_url(fake, url)
    return msg


@pytest.mark.parametrize("inline", [True, False], ids=["in the ack", "via response_url"])
@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        # the user typed `<script> R&D`
        ("skill &lt;script&gt; R&amp;D", "No skill matches '&lt;script&gt; R&amp;D'"),
        # the user typed `&lt;b&gt;` literally: it stays that text, escaped once
        ("skill &amp;lt;b&amp;gt;", "No skill matches '&amp;lt;b&amp;gt;'"),
    ],
)
async def test_typed_control_characters_come_back_escaped_once(
    slack: FakeSlack, http_adapter: SlackAdapter, inline: bool, sent: str, shown: str
) -> None:
    msg = await command(slack, http_adapter, sent, inline=inline)
    assert msg.via == ("ack" if inline else "response_url")
    assert header(msg) == "That didn't work"
    body = next(b["text"]["text"] for b in msg.blocks if b["type"] == "section")
    assert body.startswith(shown)
    assert shown in msg.text  # the notification text too
    for text in mrkdwn_texts(msg):
        assert "&amp;lt;script" not in text and "R&amp;amp;D" not in text
        assert "<script>" not in text and "<b>" not in text


async def test_a_name_with_an_ampersand_matches(
    slack: FakeSlack, real_bank: Bank, store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    """'statistics & probability' is the skill 'Probability and statistics' (real bank)."""
    core = Core(real_bank, store, clock=clock)
    async with running(core, slack, tmp_path, http=True) as adapter:
        msg = await command(slack, adapter, "skill statistics &amp; probability", inline=False)
    assert header(msg).startswith("Probability and statistics")


async def test_help_placeholders_survive_in_the_text_fallback(
    slack: FakeSlack, http_adapter: SlackAdapter
) -> None:
    msg = await command(slack, http_adapter, "help", inline=False)
    assert header(msg) == "careerbot: commands"
    assert "skill &lt;name&gt;" in msg.text  # Slack would swallow a bare <name>
    assert "<name>" not in msg.text


async def test_channels_the_core_refers_to_become_mentions(
    slack: FakeSlack, http_adapter: SlackAdapter
) -> None:
    text = "admin daily <#C0GENERAL|general> 09:00 Europe/Berlin weekdays"  # Slack's own <…>
    msg = await command(slack, http_adapter, text, user_id="U2", inline=False)
    assert msg.text.startswith("Daily tip for <#C0GENERAL>: 09:00")  # mrkdwn: a mention
    assert header(msg).startswith("Daily tip for #C0GENERAL: 09:00")  # plain_text: no markup
    assert "&lt;#C0GENERAL" not in msg.text + json.dumps(msg.blocks)
    assert refs.MARK not in msg.text + json.dumps(msg.blocks)


@pytest.mark.parametrize(
    "typed",
    [
        "skill &lt;#C0GENERAL&gt;",  # the user typed <#C0GENERAL>: text, echoed as text
        "skill \x0e#C0GENERAL\x0e",  # the reference's own marker, typed: dropped on the way in
        "skill x\x0e#C0GENERAL",
    ],
)
async def test_a_user_cannot_forge_a_channel_mention(
    slack: FakeSlack, http_adapter: SlackAdapter, typed: str
) -> None:
    msg = await command(slack, http_adapter, typed, inline=True)
    assert header(msg) == "That didn't work"
    for text in mrkdwn_texts(msg):
        assert "<#C0GENERAL" not in text, text
        assert refs.MARK not in text
    assert "No skill matches" in msg.text


async def test_dm_and_channel_post_fallbacks_are_escaped(
    slack: FakeSlack, http_adapter: SlackAdapter
) -> None:
    reply = Reply(
        title="Tip · C++ & <Rust>",
        body=f"Compare a<b & b>c, then post in {refs.channel('C0GENERAL')}.",
        source=SourceRef("doc", "A <doc>", "https://example.org/a?b=1&c=2"),
    )
    ada = User("slack", TEAM_ID, "U1", "ada")
    await http_adapter.messenger.send_dm(ada, reply, key="k-dm")
    await http_adapter.messenger.send_channel(TEAM_ID, "C0GENERAL", reply, key="k-channel")
    for msg in (*slack.history("D1"), *slack.history("C0GENERAL")):
        assert msg.via == "chat.postMessage"
        assert msg.text.startswith("Tip · C++ &amp; &lt;Rust&gt;\nCompare a&lt;b &amp; b&gt;c")
        assert "<#C0GENERAL>." in msg.text  # our mention: a mention still
        # the source's own link stays a link; its title is text
        assert "Source: A &lt;doc&gt; <https://example.org/a?b=1&c=2>" in msg.text
    assert len(slack.messages) == 2


def test_unescape_takes_exactly_the_three_entities_once() -> None:
    assert unescape("&lt;script&gt; R&amp;D") == "<script> R&D"
    assert unescape("&amp;lt;") == "&lt;"  # a typed &lt; stays that text
    assert unescape("&amp;amp;") == "&amp;"
    assert unescape("&quot;&#39;&nbsp;&AMP;") == "&quot;&#39;&nbsp;&AMP;"  # not Slack's
    assert unescape("<#C1|general> <@U1>") == "<#C1|general> <@U1>"


def test_continuation_page_fallback_is_escaped() -> None:
    reply = Reply(title="R&D <notes>", body="\n\n".join(["word " * 500] * 60))
    pages = render(reply)
    assert len(pages) > 1
    assert pages[1]["text"] == "R&amp;D &lt;notes&gt; (continued)"

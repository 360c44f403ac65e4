"""Exports as files on Slack: real slack-bolt (Socket Mode) + slack-sdk's files_upload_v2
against the fake Slack's three upload steps (files.getUploadURLExternal, the bytes to the
upload URL, files.completeUploadExternal)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.adapter import NEEDS_FILES_WRITE, SlackAdapter
from tests.fakes.slack import FakeSlack, Message, slash_command
from tests.platforms.slack_env import answer, slack, socket_adapter

__all__ = ["slack", "socket_adapter"]  # fixtures used here

FENCE = "```"


async def run(fake: FakeSlack, text: str, channel: str) -> Message:
    url = fake.new_response_url(channel, "U1")
    env = await fake.send_envelope(
        "slash_commands", slash_command(text, response_url=url, channel_id=channel)
    )
    return await answer(fake, url, await fake.wait_ack(env))


def sections(msg: Message) -> str:
    return "\n".join(
        b["text"]["text"] for b in msg.blocks if b["type"] == "section" and "text" in b
    )


@pytest.mark.parametrize(
    ("command", "prefix", "heading"),
    [
        ("roadmap export", "careerbot-roadmap-", "# Roadmap to ML engineer"),
        ("progress export", "careerbot-progress-", "# My ML engineering progress"),
    ],
)
async def test_an_export_from_a_channel_is_a_file_in_the_users_dm(
    slack: FakeSlack, socket_adapter: SlackAdapter, command: str, prefix: str, heading: str
) -> None:
    await run(slack, "roadmap done 1", "C1")
    msg = await run(slack, command, "C1")
    [file] = slack.files
    assert file.completed and file.channel == "D1"  # U1's DM with the bot
    assert file.filename.startswith(prefix) and file.filename.endswith(".md")
    text = (file.data or b"").decode("utf-8")
    assert text.startswith(heading + "\n") and "- [x] 1. " in text
    [ask] = slack.api_calls("files.getUploadURLExternal")
    assert ask.params["filename"] == file.filename
    assert int(ask.params["length"]) == len(file.data or b"")
    [done] = slack.api_calls("files.completeUploadExternal")
    assert done.params["channel_id"] == "D1"
    assert [f["id"] for f in json.loads(done.params["files"])] == [file.id]
    # the answer in the channel: ephemeral, short, no code blocks
    assert msg.via == "response_url" and msg.response_type == "ephemeral"
    assert f"Sent {file.filename} to your direct messages" in sections(msg)
    assert FENCE not in json.dumps(msg.blocks)
    shared = [m for m in slack.messages if m.via == "files.completeUploadExternal"]
    assert [m.channel for m in shared] == ["D1"]  # nothing posted in the channel


async def test_an_export_from_the_dm_lands_there(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    msg = await run(slack, "export", "D1")  # the JSON export takes the same path
    [file] = slack.files
    assert file.channel == "D1" and file.filename == "careerbot-export.json"
    assert "Europe/Berlin" in (file.data or b"").decode("utf-8")  # the user's zone reached it
    assert "careerbot-export.json is in this conversation" in sections(msg)
    assert FENCE not in json.dumps(msg.blocks)


async def test_without_files_write_the_file_comes_as_text_with_one_line(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    slack.scopes.discard("files:write")
    msg = await run(slack, "roadmap export", "C1")
    assert slack.files == []  # refused at the first step
    [ask] = slack.api_calls("files.getUploadURLExternal")
    assert ask is not None
    text = sections(msg)
    assert text.count("files:write") == 1 and "ℹ️ " + NEEDS_FILES_WRITE.split(" (")[0] in text
    assert FENCE in text and "- [ ] 1. " in text  # the checklist as code blocks
    assert msg.response_type == "ephemeral"


async def test_another_upload_failure_falls_back_to_text(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    slack.fail_next("files.completeUploadExternal", status=200, error="not_in_channel")
    msg = await run(slack, "progress export", "C1")
    text = sections(msg)
    assert FENCE in text and "# My ML engineering progress" in text
    assert "files:write" not in text and "Sent " not in text


# the fake itself, driven by slack-sdk: Slack's documented behaviour of the three steps


async def test_the_fakes_upload_steps_behave_as_documented(slack: FakeSlack) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    with pytest.raises(SlackApiError) as err:
        await client.files_getUploadURLExternal(filename="a.md", length=0)
    assert err.value.response["error"] == "missing_argument"
    got: Any = await client.files_getUploadURLExternal(filename="a.md", length=3)
    assert got["upload_url"].startswith(f"http://127.0.0.1:{slack.port}/")
    with pytest.raises(SlackApiError) as err:  # nothing uploaded yet
        await client.files_completeUploadExternal(files=[{"id": got["file_id"]}])
    assert err.value.response["error"] == "file_not_found"
    done: Any = await client.files_upload_v2(content="abc", filename="b.md", channel="C1")
    assert done["file"]["name"] == "b.md" and done["file"]["channels"] == ["C1"]
    assert slack.files[-1].data == b"abc" and slack.files[-1].channel == "C1"
    slack.scopes.discard("files:write")
    with pytest.raises(SlackApiError) as err:
        await client.files_upload_v2(content="abc", filename="c.md", channel="C1")
    assert err.value.response["error"] == "missing_scope"
    assert err.value.response["needed"] == "files:write"

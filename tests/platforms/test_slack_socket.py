"""Socket Mode: the real slack-bolt + slack-sdk against the fake Slack's websocket."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.core.app import Core
from bot.platforms.slack.adapter import SlackAdapter, redact_url
from tests.fakes.slack import FakeSlack, block_actions, home_opened, slash_command
from tests.platforms.slack_env import (
    answer,
    buttons,
    header,
    http_adapter,
    retry_sleeps,
    running,
    settings_for,
    slack,
    socket_adapter,
    via_url,
)

__all__ = ["http_adapter", "retry_sleeps", "slack", "socket_adapter"]  # fixtures used here


async def test_slash_command_is_acked_and_answered(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    assert socket_adapter.connected
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope(
        "slash_commands", slash_command("skill torch", response_url=url)
    )
    ack = await slack.wait_ack(env)
    assert ack["envelope_id"] == env
    msg = await answer(slack, url, ack)
    assert msg.via == "ack"  # a quick answer travels in the envelope ack itself
    assert header(msg).startswith("PyTorch")
    assert msg.response_type == "ephemeral"
    assert buttons(msg)["career:learn pytorch"] == "learn pytorch"
    assert "PyTorch" in msg.text  # the plain-text fallback
    # users.info was asked once for the zone and admin flag, then cached
    url2 = slack.new_response_url("C1", "U1")
    env2 = await slack.send_envelope("slash_commands", slash_command("tip", response_url=url2))
    await answer(slack, url2, await slack.wait_ack(env2))
    assert len(slack.api_calls("users.info")) == 1


async def test_empty_text_shows_help(slack: FakeSlack, socket_adapter: SlackAdapter) -> None:
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope("slash_commands", slash_command("", response_url=url))
    msg = await answer(slack, url, await slack.wait_ack(env))
    assert header(msg) == "careerbot: commands"


async def test_unknown_command_gets_a_short_answer(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope("slash_commands", slash_command("skil rust", response_url=url))
    msg = await answer(slack, url, await slack.wait_ack(env))
    assert header(msg) == "That didn't work"
    assert "skill" in msg.text


async def test_user_zone_reaches_the_core(
    slack: FakeSlack, socket_adapter: SlackAdapter, core: Core
) -> None:
    url = slack.new_response_url("D1", "U1")
    env = await slack.send_envelope(
        "slash_commands", slash_command("export", response_url=url, channel_id="D1")
    )
    await answer(slack, url, await slack.wait_ack(env))
    [exported] = slack.files  # the export is a file in the DM (tests/platforms/test_slack_files.py)
    assert "Europe/Berlin" in (exported.data or b"").decode("utf-8")


async def test_button_click_replaces_the_ephemeral_message(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope(
        "interactive", block_actions("skill rust", response_url=url, channel_id="C1")
    )
    ack = await slack.wait_ack(env)
    assert ack["envelope_id"] == env
    [msg] = await via_url(slack, url)
    assert msg.replace_original is True
    assert header(msg).startswith("Rust")


async def test_share_button_posts_in_channel(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope("interactive", block_actions("share t003", response_url=url))
    await slack.wait_ack(env)
    [msg] = await via_url(slack, url)
    assert msg.response_type == "in_channel"
    assert msg.replace_original is False
    assert any("Shared by ada" in str(b) for b in msg.blocks)


async def test_button_works_after_a_restart(slack: FakeSlack, core: Core, tmp_path: Path) -> None:
    """A click on a message sent by an earlier process: nothing lives in memory."""
    async with running(core, slack, tmp_path):
        url = slack.new_response_url("C1", "U1")
        env = await slack.send_envelope(
            "slash_commands", slash_command("tip rust", response_url=url)
        )
        tip = await answer(slack, url, await slack.wait_ack(env))
    save_id = next(a for a in buttons(tip) if a.startswith("career:save "))
    value = buttons(tip)[save_id]

    async with running(core, slack, tmp_path):
        url2 = slack.new_response_url("C1", "U1")
        env2 = await slack.send_envelope(
            "interactive", block_actions(value, action_id=save_id, response_url=url2)
        )
        await slack.wait_ack(env2)
        [saved] = await via_url(slack, url2)
        assert header(saved) == f"Saved {value.split()[1]}. See all with 'saved'."


async def test_app_home_publishes_the_dashboard(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    env = await slack.send_envelope("events_api", home_opened("U1"))
    await slack.wait_ack(env)
    published = await slack.wait_for(lambda: slack.views, what="views.publish")
    view = published[0]["view"]
    assert published[0]["user_id"] == "U1"
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert view["blocks"][0]["text"]["text"] == "Your progress"
    actions = [e["value"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "tip" in actions and "roadmap" in actions


async def test_home_click_republishes_with_a_way_back(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    env = await slack.send_envelope(
        "interactive", block_actions("roadmap", response_url=None, home=True)
    )
    await slack.wait_ack(env)
    published = await slack.wait_for(lambda: slack.views, what="views.publish")
    blocks = published[0]["view"]["blocks"]
    assert blocks[0]["text"]["text"] == "Roadmap to ML engineer"
    assert any(
        e["value"] == "progress" for b in blocks if b["type"] == "actions" for e in b["elements"]
    )


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"slack_bot_token": "xoxb-wrong"}, "SLACK_BOT_TOKEN"),
        ({"slack_app_token": "xapp-wrong"}, "SLACK_APP_TOKEN"),
    ],
)
async def test_a_rejected_token_fails_start_naming_the_setting(
    slack: FakeSlack, core: Core, tmp_path: Path, changes: dict[str, str], setting: str
) -> None:
    adapter = SlackAdapter(settings_for(slack, tmp_path, **changes), core)
    with pytest.raises(ConfigError, match=f"{setting}.*invalid_auth"):
        await adapter.start()
    assert not adapter.connected
    assert slack.sockets == 0


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"slack_bot_token": ""}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xapp-1-not-a-bot-token"}, "SLACK_BOT_TOKEN"),
        ({"slack_app_token": ""}, "SLACK_APP_TOKEN"),
        ({"slack_app_token": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
    ],
)
async def test_missing_tokens_fail_before_any_call(
    slack: FakeSlack, core: Core, tmp_path: Path, changes: dict[str, str], setting: str
) -> None:
    adapter = SlackAdapter(settings_for(slack, tmp_path, **changes), core)
    with pytest.raises(ConfigError, match=setting):
        await adapter.start()
    assert slack.calls == []


async def test_unreachable_api_url_names_the_setting(
    slack: FakeSlack, core: Core, tmp_path: Path, retry_sleeps: list[float]
) -> None:
    adapter = SlackAdapter(
        settings_for(slack, tmp_path, slack_api_url="http://127.0.0.1:9/api/"), core
    )
    with pytest.raises(ConfigError, match="SLACK_API_URL"):
        await adapter.start()
    assert retry_sleeps  # the connection error was retried before giving up


async def test_admin_flag_comes_from_users_info(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    text = "admin daily <#C0GENERAL|general> 09:00 Europe/Berlin weekdays"
    answers = {}
    for user in ("U1", "U2"):  # ada is a member, grace a workspace admin
        url = slack.new_response_url("C1", user)
        env = await slack.send_envelope(
            "slash_commands", slash_command(text, response_url=url, user_id=user)
        )
        answers[user] = await answer(slack, url, await slack.wait_ack(env))
    assert header(answers["U1"]) == "That didn't work"
    assert "admin" in answers["U1"].text
    # a mention in mrkdwn; the header is plain text, where Slack shows no mention
    assert header(answers["U2"]).startswith("Daily tip for #C0GENERAL: 09:00")
    assert answers["U2"].text.startswith("Daily tip for <#C0GENERAL>: 09:00")


async def test_slow_answer_comes_through_the_response_url(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    socket_adapter.inline_budget = 0.0  # as if the core took longer than the budget
    url = slack.new_response_url("C1", "U1")
    env = await slack.send_envelope("slash_commands", slash_command("skill rust", response_url=url))
    ack = await slack.wait_ack(env)
    assert "payload" not in ack  # acked empty at once
    [msg] = await via_url(slack, url)
    assert header(msg).startswith("Rust") and msg.response_type == "ephemeral"


@pytest.mark.parametrize(
    "url",
    [
        "http://proxy-user:s3cret-pw@127.0.0.1:9/api/?key=k3y#frag",
        "http://127.0.0.1:9/api/?proxy-user=s3cret-pw&key=k3y#frag",
    ],
)
async def test_unreachable_api_url_error_hides_credentials_and_query(
    slack: FakeSlack, core: Core, tmp_path: Path, retry_sleeps: list[float], url: str
) -> None:
    adapter = SlackAdapter(settings_for(slack, tmp_path, slack_api_url=url), core)
    with pytest.raises(ConfigError, match="SLACK_API_URL") as info:
        await adapter.start()
    message = str(info.value)
    assert "http://127.0.0.1:9/api/" in message
    for secret in ("proxy-user", "s3cret-pw", "k3y", "frag"):
        assert secret not in message
    assert info.value.__cause__ is None  # the original error (which holds the URL) is dropped


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://u:p@slack.example/api/?t=1", "https://slack.example/api/"),
        ("https://slack.example:8443/api/", "https://slack.example:8443/api/"),
        ("http://:p@[::1]:9/api/", "http://[::1]:9/api/"),
        ("http://a@b@host/api/", "http://host/api/"),
    ],
)
def test_redact_url(url: str, safe: str) -> None:
    assert redact_url(url) == safe


async def test_level_is_typed_text_and_a_bad_value_names_the_choices(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    async def say(text: str) -> str:
        url = slack.new_response_url("C1", "U1")
        env = await slack.send_envelope("slash_commands", slash_command(text, response_url=url))
        msg = await answer(slack, url, await slack.wait_ack(env))
        return f"{header(msg)}\n{msg.text}"

    assert (await say("level early")).startswith("Level: early-career")
    bad = await say("level guru")
    assert bad.startswith("That didn't work")
    assert "aspiring, early, experienced, all" in bad
    assert (await say("level")).startswith("Level: early-career")  # unchanged
    assert "Level: early-career" in await say("progress")

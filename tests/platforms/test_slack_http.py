"""HTTP mode: signed requests to POST /slack/events, served by the real slack-bolt."""

from __future__ import annotations

import json
import time
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from bot.config import ConfigError
from bot.core.app import Core
from bot.platforms.slack.adapter import SlackAdapter
from tests.fakes.slack import (
    FakeSlack,
    block_actions,
    block_errors,
    form_body,
    home_opened,
    sign,
    signed_headers,
    slash_command,
)
from tests.platforms.slack_env import (
    SECRET,
    header,
    http_adapter,
    running,
    settings_for,
    slack,
    via_url,
)

__all__ = ["http_adapter", "slack"]  # fixtures used here

# Slack's documented signing example (GUIDE.md section 3).
DOC_TIMESTAMP = "1531420618"
DOC_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def events_url(adapter: SlackAdapter) -> str:
    return f"http://127.0.0.1:{adapter.bound_port}/slack/events"


async def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=headers) as resp,
    ):
        return resp.status, await resp.text()


async def test_signed_slash_command_is_answered(
    slack: FakeSlack, http_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url("C1", "U1")
    body = form_body(slash_command("skill k8s", response_url=url))
    status, text = await post(events_url(http_adapter), body, signed_headers(SECRET, body))
    assert status == 200
    answered = json.loads(text)  # quick answers come back in the HTTP response
    assert answered["response_type"] == "ephemeral"
    assert answered["blocks"][0]["text"]["text"].startswith("Kubernetes")
    assert block_errors(answered["blocks"]) == []
    assert not [m for m in slack.messages if m.url == url]


async def test_slow_answer_uses_the_response_url(
    slack: FakeSlack, http_adapter: SlackAdapter
) -> None:
    http_adapter.inline_budget = 0.0
    url = slack.new_response_url("C1", "U1")
    body = form_body(slash_command("skill k8s", response_url=url))
    status, text = await post(events_url(http_adapter), body, signed_headers(SECRET, body))
    assert (status, text) == (200, "")
    [msg] = await via_url(slack, url)
    assert header(msg).startswith("Kubernetes")
    assert msg.response_type == "ephemeral"


async def test_signed_button_click_is_answered(
    slack: FakeSlack, http_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url("C1", "U1")
    payload = block_actions("learn rust", response_url=url)
    body = form_body({"payload": json.dumps(payload)})
    status, _ = await post(events_url(http_adapter), body, signed_headers(SECRET, body))
    assert status == 200
    [msg] = await via_url(slack, url)
    assert "Rust is now on your learning list" in header(msg)


async def test_signed_home_event_publishes(slack: FakeSlack, http_adapter: SlackAdapter) -> None:
    body = json.dumps(home_opened("U2"))
    headers = {**signed_headers(SECRET, body), "Content-Type": "application/json"}
    status, _ = await post(events_url(http_adapter), body, headers)
    assert status == 200
    published = await slack.wait_for(lambda: slack.views, what="views.publish")
    assert published[0]["user_id"] == "U2"


def _bad_requests(body: str) -> dict[str, dict[str, str]]:
    now = int(time.time())
    good = signed_headers(SECRET, body)
    old = str(now - 301)
    return {
        "bad signature": {**good, "X-Slack-Signature": sign("not-the-secret", str(now), body)},
        "tampered body": {**good, "X-Slack-Signature": sign(SECRET, str(now), body + "x")},
        "older than 5 minutes": {
            **good,
            "X-Slack-Request-Timestamp": old,
            "X-Slack-Signature": sign(SECRET, old, body),
        },
        "missing headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "missing signature": {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(now),
        },
    }


@pytest.mark.parametrize(
    "case",
    [
        "bad signature",
        "tampered body",
        "older than 5 minutes",
        "missing headers",
        "missing signature",
    ],
)
async def test_unsigned_requests_get_401_and_no_api_call(
    slack: FakeSlack, http_adapter: SlackAdapter, case: str
) -> None:
    url = slack.new_response_url("C1", "U1")
    body = form_body(slash_command("tip", response_url=url))
    calls_before = len(slack.calls)
    status, _ = await post(events_url(http_adapter), body, _bad_requests(body)[case])
    assert status == 401
    # a signed request afterwards is answered, so the rejected one had its chance to act
    http_adapter.inline_budget = 0.0
    url2 = slack.new_response_url("C1", "U1")
    good = form_body(slash_command("help", response_url=url2))
    assert (await post(events_url(http_adapter), good, signed_headers(SECRET, good)))[0] == 200
    await via_url(slack, url2)
    assert not [m for m in slack.messages if m.url == url]
    assert all(c.method in ("auth.test", "users.info") for c in slack.calls[calls_before:])


async def test_healthz(http_adapter: SlackAdapter) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{http_adapter.bound_port}/healthz") as resp,
    ):
        assert resp.status == 200
        assert await resp.json() == {"ok": True, "platform": "slack", "mode": "http"}


def test_slacks_documented_signing_example() -> None:
    assert sign("8f742231b10e8888abcd99yyyzzz85a5", DOC_TIMESTAMP, DOC_BODY) == DOC_SIGNATURE

    class Pinned(Clock):
        def now(self) -> float:
            return float(DOC_TIMESTAMP)

    verifier = SignatureVerifier("8f742231b10e8888abcd99yyyzzz85a5", clock=Pinned())
    assert verifier.is_valid(DOC_BODY, DOC_TIMESTAMP, DOC_SIGNATURE)
    assert not verifier.is_valid(DOC_BODY + "&x=1", DOC_TIMESTAMP, DOC_SIGNATURE)


async def test_adapter_accepts_slacks_documented_example(
    slack: FakeSlack, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack's own example request passes our endpoint's check with the clock pinned."""
    monkeypatch.setattr(Clock, "now", lambda self: float(DOC_TIMESTAMP))
    secret = "8f742231b10e8888abcd99yyyzzz85a5"
    async with running(core, slack, tmp_path, http=True, slack_signing_secret=secret) as adapter:
        headers = {
            "X-Slack-Request-Timestamp": DOC_TIMESTAMP,
            "X-Slack-Signature": DOC_SIGNATURE,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        status, _ = await post(events_url(adapter), DOC_BODY, headers)
        assert status != 401  # verified; /webhook-collect is not our command (404)
        wrong = {**headers, "X-Slack-Signature": DOC_SIGNATURE[:-1] + "0"}
        assert (await post(events_url(adapter), DOC_BODY, wrong))[0] == 401


async def test_http_mode_needs_the_signing_secret(
    slack: FakeSlack, core: Core, tmp_path: Path
) -> None:
    settings = settings_for(slack, tmp_path, http=True, slack_signing_secret="")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        await SlackAdapter(settings, core, http=True).start()


async def test_http_mode_is_chosen_without_an_app_token(
    slack: FakeSlack, core: Core, tmp_path: Path
) -> None:
    assert SlackAdapter(settings_for(slack, tmp_path, http=True), core).http
    assert not SlackAdapter(settings_for(slack, tmp_path), core).http


async def test_busy_port_names_the_setting(
    slack: FakeSlack, http_adapter: SlackAdapter, core: Core, tmp_path: Path
) -> None:
    taken = http_adapter.bound_port
    settings = settings_for(slack, tmp_path, http=True, http_port=taken)
    with pytest.raises(ConfigError, match="CAREERBOT_HTTP_PORT"):
        await SlackAdapter(settings, core).start()

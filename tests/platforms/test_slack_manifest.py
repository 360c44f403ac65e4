"""deploy/slack-manifest.yaml against Slack's official app manifest schema (draft-07)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.core.commands import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "deploy" / "slack-manifest.yaml"
SCHEMA_NAME = "slack-manifest.schema.1.0.0.json"


def _schema_path() -> Path:
    """../shared/contracts/ next to the checkout (the team's layout); a clone made
    elsewhere (CI) looks in the nearest ``shared/contracts`` above it. Never copied in."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "contracts" / SCHEMA_NAME
        if candidate.is_file():
            return candidate
    return ROOT.parent / "shared" / "contracts" / SCHEMA_NAME


SCHEMA = _schema_path()


def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_validates_against_slacks_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"Slack's manifest schema is absent: expected it at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest()), key=str)
    assert errors == [], "\n".join(e.message for e in errors)


def test_schema_rejects_a_broken_manifest() -> None:
    """The validation above can fail: a manifest with a bad command is refused."""
    if not SCHEMA.is_file():
        pytest.skip(f"Slack's manifest schema is absent: expected it at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "career"  # no leading slash
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_manifest_has_what_the_adapter_needs() -> None:
    m = manifest()
    [cmd] = m["features"]["slash_commands"]
    assert cmd["command"] == "/career"
    assert set(m["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "im:write",
        "im:history",
        "users:read",
        "users.profile:read",
        "dnd:read",
        "files:write",
    }
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["settings"]["socket_mode_enabled"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]


def test_usage_hint_names_real_commands() -> None:
    hint = manifest()["features"]["slash_commands"][0]["usage_hint"].strip("[]")
    names = {part.split(" <")[0].strip() for part in hint.split("|")}
    assert names <= {c.name for c in REGISTRY}


OAUTH_MANIFEST = ROOT / "deploy" / "slack-manifest.oauth.yaml"


def test_the_oauth_manifest_validates_and_matches_the_adapter() -> None:
    from bot.platforms.slack.adapter import EVENTS_PATH, REDIRECT_PATH, SCOPES

    if not SCHEMA.is_file():
        pytest.skip(f"Slack's manifest schema is absent: expected it at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    m = yaml.safe_load(OAUTH_MANIFEST.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(m), key=str)
    assert errors == [], "\n".join(e.message for e in errors)
    assert m["oauth_config"]["scopes"]["bot"] == list(SCOPES)
    assert m["oauth_config"]["scopes"]["bot"] == manifest()["oauth_config"]["scopes"]["bot"]
    [redirect] = m["oauth_config"]["redirect_urls"]
    assert redirect.startswith("https://") and redirect.endswith(REDIRECT_PATH)
    s = m["settings"]
    assert not s["socket_mode_enabled"] and s["token_rotation_enabled"]
    assert {"app_uninstalled", "tokens_revoked", "app_home_opened"} == set(
        s["event_subscriptions"]["bot_events"]
    )
    urls = [s["event_subscriptions"]["request_url"], s["interactivity"]["request_url"]]
    urls += [c["url"] for c in m["features"]["slash_commands"]]
    assert all(u.startswith("https://") and u.endswith(EVENTS_PATH) for u in urls)

"""deploy/.env.example documents every setting with its default; compose.yaml keeps the
promises the README makes (one service, named volume, env_file, restart, init, healthcheck)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.config import ENV_NAMES, Settings, env_names, load_settings
from bot.platforms import registry

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not KEY=VALUE: {line!r}"
            assert key not in values, f"{key} twice"
            values[key] = value
    return values


def test_env_example_lists_every_setting_with_a_comment() -> None:
    values = example()
    platform_vars = {
        var for p in registry.load_platforms() for var in env_names(p.settings).values()
    }
    assert set(values) == set(ENV_NAMES.values()) | platform_vars | {"CAREERBOT_CONFIG"}
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(text):
        if "=" in line and not line.startswith("#"):
            assert text[i - 1].startswith("#") or "=" in text[i - 1], f"undocumented: {line}"


def test_env_example_values_are_the_defaults() -> None:
    values = example()
    assert values["CAREERBOT_DB"] == "/data/careerbot.db"  # the image's default
    rest = {k: v for k, v in values.items() if k != "CAREERBOT_DB"}
    loaded = load_settings(rest)
    assert loaded == Settings(db=loaded.db)
    assert registry.configured(loaded) == []


def test_compose_file() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    (name, service), *others = compose["services"].items()
    assert not others
    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert service["env_file"] == ".env"
    assert service["restart"] == "unless-stopped" and service["init"] is True
    volume, _, target = service["volumes"][0].partition(":")
    assert target == "/data" and volume in compose["volumes"]
    assert service["healthcheck"]["test"] == ["CMD", "careerbot", "health", "--quiet"]
    grace = int(service["stop_grace_period"].rstrip("s"))
    assert grace > 10  # the bot needs at most 10 s; no SIGKILL before that

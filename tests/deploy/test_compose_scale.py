"""deploy/compose.scale.yaml keeps the promises of README's "Scaling out": a PostgreSQL
service with its volume and a pg_isready healthcheck, two careerbot replicas of the same
image as compose.yaml, each waiting for a healthy database, with its own healthcheck and
metrics port, and settings the bot accepts. Checked as YAML and by podman-compose (a test
dependency), whose dry-run ``config`` resolves the file the way compose does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.config import load_settings
from bot.storage import is_postgres
from bot.storage.postgres import redact

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SCALE = DEPLOY / "compose.scale.yaml"
PASSWORD = "0123abcd"  # a stand-in for the operator's own


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SCALE.read_text(encoding="utf-8"))
    return data


def replicas(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if n.startswith("careerbot")}


def interpolate(value: str) -> str:
    return value.replace(
        "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/.env}", PASSWORD
    )  # the only variable the file uses


def test_postgres_service_has_a_volume_and_a_pg_isready_healthcheck() -> None:
    compose = load()
    pg = compose["services"]["postgres"]
    assert pg["image"].startswith("postgres:")
    volume, _, target = pg["volumes"][0].partition(":")
    assert target == "/var/lib/postgresql/data" and volume in compose["volumes"]
    assert pg["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert pg["restart"] == "unless-stopped"
    env = pg["environment"]
    assert env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")  # never a default
    assert (env["POSTGRES_USER"], env["POSTGRES_DB"]) == ("careerbot", "careerbot")


def test_two_replicas_of_one_image_wait_for_a_healthy_database() -> None:
    compose = load()
    single = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    (one,) = single["services"].values()
    bots = replicas(compose)
    assert len(bots) == 2
    metrics_ports: set[str] = set()
    shard_ids: list[str] = []
    for name, bot in bots.items():
        assert (bot["build"], bot["image"]) == (one["build"], one["image"]), name
        assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        assert bot["healthcheck"]["test"] == one["healthcheck"]["test"]
        assert bot["healthcheck"]["test"] == ["CMD", "careerbot", "health", "--quiet"]
        assert (bot["init"], bot["restart"], bot["env_file"]) == (True, "unless-stopped", ".env")
        assert int(bot["stop_grace_period"].rstrip("s")) > 10
        assert "volumes" not in bot  # no shared /data: each has its own heartbeat
        env = {k: interpolate(str(v)) for k, v in bot["environment"].items()}
        url = env["CAREERBOT_DB"]
        assert is_postgres(url) and "@postgres:5432/" in url
        assert PASSWORD not in redact(url)
        # the bot accepts these settings
        settings = load_settings(env)
        assert settings.db == url and settings.metrics_port == 9464
        assert bot["expose"] == [str(settings.metrics_port)]
        (published,) = bot["ports"]
        host, port, target = published.split(":")
        assert (host, target) == ("127.0.0.1", "9464")  # the host's loopback only
        metrics_ports.add(port)
        assert env["DISCORD_SHARD_COUNT"] == "2"
        shard_ids += env["DISCORD_SHARD_IDS"].split(",")
    assert len(metrics_ports) == 2  # one host port each
    assert sorted(shard_ids) == ["0", "1"]  # the shards split, none twice


def podman_compose(
    tmp_path: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """``podman-compose --dry-run`` on a copy of the file (a deploy/.env of the developer's
    own stays out of it); no podman needed for ``config``."""
    copy = tmp_path / "deploy" / SCALE.name
    copy.parent.mkdir()
    shutil.copy(SCALE, copy)
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)} | env
    return subprocess.run(
        [sys.executable, "-m", "podman_compose", "--dry-run", "-f", str(copy), *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_podman_compose_resolves_the_file(tmp_path: Path) -> None:
    done = podman_compose(tmp_path, {"POSTGRES_PASSWORD": PASSWORD}, "config")
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    bots = replicas(resolved)
    assert sorted(bots) == ["careerbot-1", "careerbot-2"]
    for bot in bots.values():  # the anchors merged, the password interpolated
        assert bot["environment"]["CAREERBOT_DB"] == (
            f"postgresql://careerbot:{PASSWORD}@postgres:5432/careerbot"
        )
        assert bot["healthcheck"]["test"][1:3] == ["careerbot", "health"]
        assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert resolved["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == PASSWORD


def test_podman_compose_refuses_to_start_without_a_password(tmp_path: Path) -> None:
    done = podman_compose(tmp_path, {}, "config")
    assert done.returncode != 0
    assert "set POSTGRES_PASSWORD in deploy/.env" in done.stderr

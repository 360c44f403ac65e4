"""A non-editable ``pip install .`` into a fresh venv outside the repo finds the bank."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_installed_wheel_ships_the_tip_bank(tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    py = target / "bin" / "python"
    # The runtime dependencies come from this test run's environment through a .pth
    # file, so the check needs no network; careerbot itself is built and installed
    # from the source tree as a regular (non-editable) wheel.
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.pop("CAREERBOT_TIPS_DIR", None)
    env["CAREERBOT_DB"] = str(tmp_path / "x.db")
    where = subprocess.run(
        [py, "-c", "import bot, bot.paths; print(bot.__file__); print(bot.paths.tips_dir())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.splitlines()
    assert str(ROOT) not in where[0], "imported the checkout, not the installed package"
    tips = Path(where[1])
    assert not tips.is_symlink() and (tips / "tips.yaml").is_file()
    out = subprocess.run(
        [target / "bin" / "careerbot", "say", "skill pytorch"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("PyTorch") and "Source:" in out.stdout
    assert sys.prefix not in where[0]

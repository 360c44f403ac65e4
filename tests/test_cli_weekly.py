"""The weekly report's commands from the console (``careerbot say``), as a user would."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import careerbot, db

__all__ = ["db"]  # fixture


def test_weekly_on_state_and_off_from_the_console(db: Path) -> None:
    off = careerbot(db, "say", "weekly")
    assert off.returncode == 0 and "Your weekly report is off" in off.stdout
    on = careerbot(db, "say", "weekly on sun 18:00 Europe/Berlin")
    assert on.returncode == 0, on.stdout + on.stderr
    assert on.stdout.startswith("Weekly report: Sundays at 18:00 Europe/Berlin")
    state = careerbot(db, "say", "weekly")
    assert "Weekly report: Sundays at 18:00 Europe/Berlin" in state.stdout
    assert "Daily tip" not in careerbot(db, "say", "next").stdout  # the daily tip: none
    bad = careerbot(db, "say", "weekly on sun 7pm")
    assert bad.returncode == 1 and "Usage: weekly on" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    stop = careerbot(db, "say", "weekly off")
    assert stop.returncode == 0 and "Weekly report off" in stop.stdout
    assert "Your weekly report is off" in careerbot(db, "say", "weekly").stdout

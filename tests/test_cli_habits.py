"""Issue 14 and 15's habits from the console (``careerbot say``), as a user would: each
command a separate process on one database file. The console has no clock to inject, so
these tests assert what holds on any day: settings, today's streak and freezes, skipped
days ahead, and (with the stored due time moved back, as a day passing would) a review."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from bot.core.commands import REGISTRY
from tests.test_cli import careerbot, db

__all__ = ["db"]  # fixture


def say(db: Path, text: str) -> str:
    out = careerbot(db, "say", text)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def refused(db: Path, text: str) -> str:
    out = careerbot(db, "say", text)
    assert out.returncode == 1, out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    return out.stdout


def test_streak_day_start_and_freezes_from_the_console(db: Path) -> None:
    assert "Your day now starts at 04:00" in say(db, "settings day-start 4")
    assert "Your day starts at 04:00" in say(db, "settings")
    assert "🔥 0 day(s) · best 0 · Freezes: 0" in say(db, "progress")
    say(db, "tip")  # a learning action today
    assert "🔥 1 day(s) · best 1 · Freezes: 0" in say(db, "progress")
    assert "Usage: settings day-start" in refused(db, "settings day-start 24")
    assert "Your day starts at 04:00" in say(db, "settings")  # unchanged
    topic = say(db, "help streak")
    assert topic.startswith("Streaks") and "Freezes: every 7 active days" in topic
    assert "help streak" in say(db, "help")


def test_quiet_days_from_the_console(db: Path) -> None:
    say(db, "daily 07:30 Europe/Berlin")
    later = (date.today() + timedelta(days=30)).isoformat()  # ahead in any zone
    assert f"No daily tip on {later}" in say(db, f"daily skip {later}")
    assert "No daily tip on " in say(db, "daily skip next 2 days")
    assert "Saturdays and Sundays" in say(db, "daily skip weekends")
    settings = say(db, "settings")
    assert "Quiet weekends: on" in settings
    ahead = settings.split("Skipped days ahead: ")[1].splitlines()[0].split(", ")
    assert len(ahead) == 3 and ahead[-1] == later
    assert f"Skipping: {', '.join(ahead)}, weekends." in say(db, "next")
    assert "Usage: daily skip" in refused(db, "daily skip 2001-01-01")  # the past
    assert f"Back on: {later}." in say(db, f"daily unskip {later}")
    assert "Back on:" in say(db, "daily unskip all")
    assert "Weekends are back on" in say(db, "daily unskip weekends")
    assert "Skipped days ahead: none" in say(db, "settings")
    assert "Skipping" not in say(db, "next")


def test_review_from_the_console(db: Path) -> None:
    assert "Nothing to review yet" in say(db, "review")
    tip_id = re.findall(r"\b(t\d+) · ", say(db, "tip"))[0]
    say(db, f"save {tip_id}")
    waiting = say(db, "review")
    assert f"Your next review ({tip_id}) is due" in waiting and "SM-2" in waiting
    with sqlite3.connect(db) as conn:  # a day later, as far as the schedule is concerned
        conn.execute("UPDATE tip_reviews SET due_at = 0")
    card = say(db, "review")
    assert card.startswith("Review · ") and "(1 due)" in card
    assert "Reviews: 0 done, 1 due" in say(db, "progress")
    button = re.findall(r"\[Remembered\] (review answer \S+ remembered \d+)", card)[0]
    say(db, button)
    assert "Reviews: 1 done, 0 due" in say(db, "progress")
    assert f"Your next review ({tip_id}) is due" in say(db, "review")


def test_level_and_exports_from_the_console(db: Path) -> None:
    assert "Level: all levels" in say(db, "progress")
    assert say(db, "level early").startswith("Level: early-career")
    assert "Level: early-career" in say(db, "progress")
    assert "aspiring, early, experienced, all" in refused(db, "level guru")
    assert say(db, "level").startswith("Level: early-career")
    say(db, "roadmap done 1")
    roadmap = say(db, "roadmap export")
    assert "# Roadmap to ML engineer" in roadmap and "1 of 10 roadmap steps done" in roadmap
    assert "- [x] 1. " in roadmap and "- [ ] 2. " in roadmap
    say(db, "learn rust")
    say(db, "done pytorch")
    progress = say(db, "progress export")
    assert "- [ ] Rust" in progress and "- [x] PyTorch" in progress
    assert "1 skills done, 1 learning; 1 of 10 roadmap steps done" in progress


def test_help_from_the_console_lists_every_command(db: Path) -> None:
    listing = say(db, "help")
    usages = [c.usage for c in REGISTRY if not c.button_only and not c.admin]
    assert [u for u in usages if f"`{u}`" not in listing] == []
    assert say(db, "help daily skip").startswith("Usage: daily skip")
    assert say(db, "help weekly on").startswith("Usage: weekly on")
    assert say(db, "help link").startswith("Usage: link")
    assert "Did you mean: daily skip" in refused(db, "help dayly skip")

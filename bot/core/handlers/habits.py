"""settings, settings day-start, settings away-skip, daily skip, daily unskip: streaks
that forgive and quiet days (issue 14). The rules are in :mod:`bot.core.progress`."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from bot.core import messages
from bot.core.app import Context
from bot.core.commands import Option, command
from bot.core.errors import UsageError
from bot.core.progress import weekend_days
from bot.core.replies import Reply

G = "Daily tips"
SKIP_AHEAD = 366  # days ahead a skip may reach
SKIP_MAX = 60  # days 'daily skip next <N> days' may cover
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NEXT = re.compile(r"^next (\d{1,4}) days?$")


@command("settings", "Your settings: day start, away-skip, quiet days", group="Progress")
def settings(ctx: Context) -> Reply:
    prefs = ctx.prefs
    skips = upcoming_skips(ctx)
    on_off = {True: "on", False: "off"}
    lines = [
        messages.SETTINGS_DAY_START.format(hour=prefs.day_start, zone=ctx.user.tz or "UTC"),
        messages.SETTINGS_AWAY.format(state=on_off[prefs.away_skip]),
        messages.SETTINGS_WEEKENDS.format(state=on_off[prefs.weekends_since is not None]),
        messages.SETTINGS_SKIPS.format(days=", ".join(skips) or messages.SETTINGS_NO_SKIPS),
    ]
    return Reply(title=messages.SETTINGS_TITLE, body="\n".join(lines), kind="notice")


@command(
    "settings day-start",
    "The local hour your day begins, for streaks (4: 01:30 counts as yesterday)",
    Option("hour", "int", "a local hour from 0 to 23", min_value=0, max_value=23),
    group="Progress",
)
def settings_day_start(ctx: Context, hour: int) -> Reply:
    prefs = ctx.prefs
    if prefs.day_start == hour:
        return Reply(title=messages.DAY_START_SAME.format(hour=hour), kind="notice")
    ctx.tx.habits.set_prefs(ctx.user.pk, replace(prefs, day_start=hour))
    text = messages.DAY_START_SET.format(hour=hour, zone=ctx.user.tz or "UTC")
    return Reply(title=text, kind="notice")


@command(
    "settings away-skip",
    "Skip the daily tip while your status says you are away (Slack)",
    Option("state", "choice", "off or on", choices=("off", "on")),
    group="Progress",
)
def settings_away_skip(ctx: Context, state: str) -> Reply:
    on = state == "on"
    if on and ctx.request.away_check != "ok":
        if ctx.request.away_check == "missing_scope":
            raise UsageError(messages.AWAY_MISSING_SCOPE)
        platform = ctx.request.user.platform.capitalize()
        raise UsageError(messages.AWAY_UNSUPPORTED.format(platform=platform))
    if ctx.prefs.away_skip != on:
        ctx.tx.habits.set_prefs(ctx.user.pk, replace(ctx.prefs, away_skip=on))
    return Reply(title=messages.AWAY_ON if on else messages.AWAY_OFF, kind="notice")


def upcoming_skips(ctx: Context) -> list[str]:
    """The user's skipped days from today on, as ISO dates."""
    today = ctx.today
    quiet = ctx.tx.habits.quiet_days(ctx.user.pk)
    return [d.isoformat() for d, kind in quiet.items() if kind == "skip" and d >= today]


def _date(value: str, usage: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(messages.SKIP_BAD_DATE.format(value=value[:20]), usage) from None


@command(
    "daily skip",
    "No daily tip on a day, the next days or weekends; never breaks your streak",
    Option("when", "text", messages.SKIP_HELP),
    group=G,
)
def daily_skip(ctx: Context, when: str) -> Reply:
    usage = messages.SKIP_USAGE
    text = " ".join(when.lower().split())
    today = ctx.today
    pk = ctx.user.pk
    if text in ("weekends", "weekend"):
        if ctx.prefs.weekends_since is not None:
            return Reply(title=messages.SKIPPED_WEEKENDS_ALREADY, kind="notice")
        ctx.tx.habits.set_prefs(pk, replace(ctx.prefs, weekends_since=today.isoformat()))
        return Reply(title=messages.SKIPPED_WEEKENDS, kind="notice")
    days: list[date]
    if text in ("today", "tomorrow"):
        days = [today + timedelta(days=int(text == "tomorrow"))]
    elif m := _NEXT.fullmatch(text):
        n = int(m.group(1))
        if not 1 <= n <= SKIP_MAX:
            raise UsageError(messages.SKIP_N_RANGE.format(max=SKIP_MAX), usage)
        days = [today + timedelta(days=i) for i in range(n)]
    elif _DATE.fullmatch(text) or re.fullmatch(r"\d[\d-]*", text):
        day = _date(text, usage)
        if day < today:
            raise UsageError(messages.SKIP_PAST.format(day=day, today=today), usage)
        if day > today + timedelta(days=SKIP_AHEAD):
            raise UsageError(messages.SKIP_TOO_FAR.format(day=day, max=SKIP_AHEAD), usage)
        days = [day]
    else:
        raise UsageError(messages.SKIP_BAD.format(value=when[:40]), usage)
    ctx.tx.habits.add_quiet(pk, days, "skip")
    return Reply(title=messages.SKIPPED_DAYS.format(days=_span(days)), kind="notice")


def _span(days: list[date]) -> str:
    if len(days) == 1:
        return days[0].isoformat()
    return f"{days[0].isoformat()} to {days[-1].isoformat()}"


@command(
    "daily unskip",
    "Undo 'daily skip': a date, all skipped days ahead, or weekends",
    Option("when", "text", messages.UNSKIP_HELP),
    group=G,
)
def daily_unskip(ctx: Context, when: str) -> Reply:
    usage = messages.UNSKIP_USAGE
    text = " ".join(when.lower().split())
    today = ctx.today
    pk = ctx.user.pk
    if text in ("weekends", "weekend"):
        prefs = ctx.prefs
        if prefs.weekends_since is None:
            return Reply(title=messages.UNSKIPPED_WEEKENDS_NONE, kind="notice")
        # The quiet weekends gone by stay quiet: the streak history does not change.
        since = date.fromisoformat(prefs.weekends_since)
        past = weekend_days(since, today - timedelta(days=1))
        ctx.tx.habits.add_quiet(pk, past, "skip")
        ctx.tx.habits.set_prefs(pk, replace(prefs, weekends_since=None))
        return Reply(title=messages.UNSKIPPED_WEEKENDS, kind="notice")
    ahead = upcoming_skips(ctx)
    if text == "all":
        gone = ctx.tx.habits.unskip(pk, today)
        days = ahead
    elif text in ("today", "tomorrow"):
        day = today + timedelta(days=int(text == "tomorrow"))
        gone = ctx.tx.habits.unskip(pk, today, [day])
        days = [day.isoformat()]
    elif re.fullmatch(r"\d[\d-]*", text):
        day = _date(text, usage)
        gone = ctx.tx.habits.unskip(pk, today, [day])
        days = [day.isoformat()]
    else:
        raise UsageError(messages.UNSKIP_BAD.format(value=when[:40]), usage)
    if not gone:
        return Reply(title=messages.UNSKIPPED_NONE, kind="notice")
    return Reply(title=messages.UNSKIPPED.format(days=", ".join(days)), kind="notice")

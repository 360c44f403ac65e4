"""daily, daily off, daily pause, next, admin daily: daily tips by DM or in a channel.

The scheduler (bot/delivery) sends what these commands set up, with the cards of
:mod:`bot.core.cards`, so a daily tip looks like a ``tip`` reply.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.core import messages, refs
from bot.core.app import Context
from bot.core.commands import Option, command, format_days
from bot.core.errors import UsageError
from bot.core.ports import UnitOfWork
from bot.core.records import QuietPlan
from bot.core.replies import Button, Reply
from bot.core.schedule import (
    ALL_DAYS,
    Daily,
    days_mask,
    describe_local,
    describe_wait,
    epoch,
    from_epoch,
    mask_days,
    minute_of_day,
    schedule_of,
)

G = "Daily tips"
PAUSE_MAX = 365


def first_open(
    tx: UnitOfWork,
    sub_id: int | None,
    plan: Daily,
    after: datetime,
    not_before: datetime | None = None,
    quiet: QuietPlan | None = None,
) -> tuple[date, datetime]:
    """The first delivery after ``after`` whose local date has no finished ledger row
    (and is not a quiet day of the subscriber's).

    Changing the time after today's tip went out must not promise (or send) a second
    one today: the ledger holds one row per (subscription, local date).
    """
    done = tx.deliveries.states(sub_id) if sub_id is not None else {}
    for day, moment in plan.occurrences(after):
        if not_before is not None and moment < not_before:
            continue
        if quiet is not None and quiet.quiet(day.isoformat()):
            continue
        if done.get(day.isoformat()) in (None, "pending"):
            return day, moment
    raise AssertionError("unreachable")  # pragma: no cover


def quiet_of(ctx: Context) -> QuietPlan | None:
    """The user's quiet days from today on (None: none)."""
    return ctx.tx.habits.quiet_plans([ctx.user.pk], ctx.today).get(ctx.user.pk)


def _skipping(quiet: QuietPlan | None, today: date) -> str | None:
    """'Skipping: 2026-12-24, weekends.' for the status of a daily tip; None: nothing."""
    if quiet is None:
        return None
    parts = sorted(d for d in quiet.days if d >= today.isoformat())
    if quiet.weekends_since is not None:
        parts.append(messages.DAILY_WEEKENDS_QUIET)
    return messages.DAILY_SKIPPING.format(days=", ".join(parts)) if parts else None


def _label(plan: Daily) -> dict[str, str]:
    return {"time": f"{plan.at:%H:%M}", "zone": plan.tz, "days": format_days(plan.days)}


def _when(moment: datetime, tz: str, now: datetime) -> dict[str, str]:
    return {"when": describe_local(moment, tz), "wait": describe_wait(moment - now)}


ZONE = Option("zone", "timezone", "IANA time zone, e.g. Europe/Berlin", required=False)
DAYS = Option("days", "days", messages.DAYS_HELP, required=False)


@command(
    "daily",
    "Get a tip by DM every day at your local time",
    Option("time", "time", "local time, 24-hour HH:MM"),
    ZONE,
    DAYS,
    group=G,
)
def daily(
    ctx: Context, time: time, zone: str | None = None, days: frozenset[int] | None = None
) -> Reply:
    pk = ctx.user.pk
    current = ctx.tx.subscriptions.of_user(pk)
    tz = zone or (current.tz if current else None) or ctx.user.tz
    if tz is None:
        raise UsageError(messages.DAILY_NEED_ZONE.format(time=f"{time:%H:%M}"))
    ctx.adopt_zone(tz, typed=zone is not None)
    chosen = days if days else (mask_days(current.days) if current else ALL_DAYS)
    plan = Daily(time, tz, chosen)
    quiet = quiet_of(ctx)
    day, moment = first_open(ctx.tx, current.id if current else None, plan, ctx.now, quiet=quiet)
    user = ctx.request.user
    ctx.tx.subscriptions.save_user(
        user_pk=pk,
        platform=user.platform,
        tenant=user.tenant,
        minute=minute_of_day(time),
        tz=tz,
        days=days_mask(chosen),
        next_due=epoch(moment),
        next_date=day.isoformat(),
        now=ctx.now,
    )
    lines = [messages.DAILY_NEXT.format(**_when(moment, tz, ctx.now))]
    skipping = _skipping(quiet, ctx.today)
    if skipping:
        lines.append(skipping)
    return Reply(
        title=messages.DAILY_TITLE.format(**_label(plan)),
        body="\n".join(lines),
        kind="daily",
        buttons=(Button("Pause a week", "daily pause 7"), Button("Turn off", "daily off")),
    )


@command("daily off", "Stop your daily tip", group=G)
def daily_off(ctx: Context) -> Reply:
    current = ctx.tx.subscriptions.of_user(ctx.user.pk)
    if current is None or current.status == "off":
        return Reply(title=messages.DAILY_ALREADY_OFF, kind="notice")
    ctx.tx.subscriptions.set_status(current.id, "off", "", ctx.now)
    return Reply(title=messages.DAILY_OFF, kind="notice")


@command(
    "daily pause",
    "Pause your daily tip for some days",
    Option("n", "int", "number of days", min_value=1, max_value=PAUSE_MAX),
    group=G,
)
def daily_pause(ctx: Context, n: int) -> Reply:
    current = ctx.tx.subscriptions.of_user(ctx.user.pk)
    if current is None or current.status == "off":
        return Reply(title=messages.DAILY_NONE, kind="notice")
    if current.status == "suspended":
        return Reply(title=messages.DAILY_SUSPENDED.format(reason=current.reason), kind="notice")
    plan = schedule_of(current)
    until = ctx.now + timedelta(days=n)
    day, moment = first_open(
        ctx.tx, current.id, plan, ctx.now, not_before=until, quiet=quiet_of(ctx)
    )
    ctx.tx.subscriptions.set_pause(
        current.id, epoch(until), epoch(moment), day.isoformat(), ctx.now
    )
    return Reply(
        title=messages.DAILY_PAUSED.format(n=n, **_when(moment, plan.tz, ctx.now)),
        kind="notice",
        buttons=(Button("Resume now", f"daily {plan.at:%H:%M}"),),
    )


@command("next", "When your next daily tip comes, in your time zone", group=G)
def next_(ctx: Context) -> Reply:
    current = ctx.tx.subscriptions.of_user(ctx.user.pk)
    title = messages.DAILY_NEXT_TITLE
    if current is None or current.status == "off":
        return Reply(title=title, body=messages.DAILY_NONE, kind="daily")
    if current.status == "suspended":
        body = messages.DAILY_SUSPENDED.format(reason=current.reason or "unknown")
        return Reply(title=title, body=body, kind="daily")
    plan = schedule_of(current)
    states = ctx.tx.deliveries.states(current.id)
    lines = [messages.DAILY_TITLE.format(**_label(plan))]
    quiet = quiet_of(ctx)
    if "pending" in states.values():
        lines.append(messages.DAILY_ON_ITS_WAY)
    else:
        moment = max(from_epoch(current.next_due), ctx.now)
        if quiet is not None:  # the next real delivery, past the quiet days
            after = from_epoch(current.next_due) - timedelta(seconds=1)
            _, moment = first_open(ctx.tx, current.id, plan, after, quiet=quiet)
            moment = max(moment, ctx.now)
        lines.append(messages.DAILY_NEXT.format(**_when(moment, plan.tz, ctx.now)))
    skipping = _skipping(quiet, ctx.today)
    if skipping:
        lines.append(skipping)
    if current.paused_until and current.paused_until > epoch(ctx.now):
        until = describe_local(from_epoch(current.paused_until), plan.tz)
        lines.append(messages.DAILY_PAUSED_UNTIL.format(when=until))
    return Reply(title=title, body="\n".join(lines), kind="daily")


@command(
    "admin daily",
    "Post a daily tip to a channel ('admin daily off' stops)",
    Option("channel", "channel", "the channel, e.g. #general (or 'off')"),
    Option("time", "time", "local time, 24-hour HH:MM", required=False),
    ZONE,
    DAYS,
    group="Admin",
    admin=True,
)
def admin_daily(
    ctx: Context,
    channel: str,
    time: time | None = None,
    zone: str | None = None,
    days: frozenset[int] | None = None,
) -> Reply:
    user = ctx.request.user
    if channel.lower() == "off" and time is None and zone is None and days is None:
        n = ctx.tx.subscriptions.channels_off(user.platform, ctx.request.tenant, ctx.now)
        text = messages.ADMIN_DAILY_OFF.format(n=n) if n else messages.ADMIN_DAILY_NONE
        return Reply(title=text, kind="notice")
    where = refs.channel(channel)
    if time is None:
        raise UsageError(messages.ADMIN_DAILY_NEED_TIME)
    tz = zone or ctx.user.tz
    if tz is None:
        raise UsageError(messages.ADMIN_DAILY_NEED_ZONE.format(channel=where, time=f"{time:%H:%M}"))
    existing = {
        s.channel_id: s for s in ctx.tx.subscriptions.of_channels(user.platform, ctx.request.tenant)
    }
    old = existing.get(channel)
    plan = Daily(time, tz, days or ALL_DAYS)
    day, moment = first_open(ctx.tx, old.id if old else None, plan, ctx.now)
    ctx.tx.subscriptions.save_channel(
        platform=user.platform,
        tenant=ctx.request.tenant,
        channel_id=channel,
        owner_pk=ctx.user.pk,
        minute=minute_of_day(time),
        tz=tz,
        days=days_mask(plan.days),
        next_due=epoch(moment),
        next_date=day.isoformat(),
        now=ctx.now,
    )
    return Reply(
        title=messages.ADMIN_DAILY_TITLE.format(channel=where, **_label(plan)),
        body=messages.DAILY_NEXT.format(**_when(moment, tz, ctx.now)),
        kind="daily",
    )


@command(
    "admin daily-off",
    "Stop the daily tips posted to channels here",
    group="Admin",
    admin=True,
)
def admin_daily_off(ctx: Context) -> Reply:
    # Typed platforms (Discord's channel picker) cannot pass "off" to 'admin daily'.
    return admin_daily(ctx, "off")

"""weekly, weekly on, weekly off: the weekly report by DM (issue 14).

A weekly report is a user's subscription of kind 'weekly' whose ``days`` hold one
weekday: the scheduler plans, claims and sends it through the same ledger and sender as
the daily tip (exactly once, rate-limited, caught up after downtime), and the claim
builds the report (:mod:`bot.core.weekly`) instead of a tip card. It is independent of
the daily tip: ``daily off`` leaves it on, ``weekly off`` leaves the daily tip on.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.core import messages
from bot.core.app import Context
from bot.core.commands import DAY_NAMES, Option, command, parse_time
from bot.core.errors import UsageError
from bot.core.handlers.daily import ZONE, first_open
from bot.core.ports import UnitOfWork
from bot.core.records import SubRow
from bot.core.replies import Button, Reply
from bot.core.schedule import (
    Daily,
    days_mask,
    describe_local,
    describe_wait,
    epoch,
    from_epoch,
    minute_of_day,
    schedule_of,
)

G = "Daily tips"
KIND = "weekly"
FULL_DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def _label(plan: Daily) -> str:
    (day,) = plan.days
    return messages.WEEKLY_TITLE.format(day=FULL_DAYS[day], time=f"{plan.at:%H:%M}", zone=plan.tz)


def _next(moment: datetime, tz: str, now: datetime) -> str:
    return messages.WEEKLY_NEXT.format(
        when=describe_local(moment, tz), wait=describe_wait(moment - now)
    )


def _first_report(
    tx: UnitOfWork, current: SubRow | None, plan: Daily, now: datetime
) -> tuple[date, datetime]:
    """The first report of ``plan``, at least 6 days after the last one sent: moving the
    report's day after this week's went out does not send a second one this week."""
    sub_id = current.id if current else None
    sent = [d for d, st in (tx.deliveries.states(sub_id) if sub_id else {}).items() if st == "sent"]
    if not sent:
        return first_open(tx, sub_id, plan, now)
    after = date.fromisoformat(max(sent)) + timedelta(days=6)
    return first_open(tx, sub_id, plan, now, not_before=plan.instant(after))


@command("weekly", "Your weekly report by DM: when it comes (or that it is off)", group=G)
def weekly(ctx: Context) -> Reply:
    current = ctx.tx.subscriptions.of_user(ctx.user.pk, KIND)
    title = messages.WEEKLY_STATE_TITLE
    if current is None or current.status == "off":
        return Reply(
            title=title,
            body=messages.WEEKLY_IS_OFF,
            kind="daily",
            buttons=(Button("Turn on", "weekly on", "primary"),),
        )
    if current.status == "suspended":
        body = messages.WEEKLY_SUSPENDED.format(reason=current.reason or "unknown")
        return Reply(title=title, body=body, kind="daily")
    plan = schedule_of(current)
    if "pending" in ctx.tx.deliveries.states(current.id).values():
        line = messages.WEEKLY_ON_ITS_WAY
    else:
        line = _next(max(from_epoch(current.next_due), ctx.now), plan.tz, ctx.now)
    return Reply(
        title=title,
        body=f"{_label(plan)}\n{line}",
        kind="daily",
        buttons=(Button("Turn off", "weekly off"),),
    )


@command(
    "weekly on",
    "A weekly report by DM: tips, skills, roadmap, streak, a next step",
    Option("day", "choice", messages.WEEKLY_DAY_HELP, required=False, choices=DAY_NAMES),
    Option("time", "time", messages.WEEKLY_TIME_HELP, required=False),
    ZONE,
    group=G,
)
def weekly_on(
    ctx: Context, day: str | None = None, time: time | None = None, zone: str | None = None
) -> Reply:
    pk = ctx.user.pk
    current = ctx.tx.subscriptions.of_user(pk, KIND)
    old = schedule_of(current) if current else None
    weekday = DAY_NAMES.index(day) if day else (min(old.days) if old else None)
    if weekday is None:
        weekday = messages.WEEKLY_DEFAULT_DAY
    at = time or (old.at if old else parse_time(messages.WEEKLY_DEFAULT_TIME))
    daily = ctx.tx.subscriptions.of_user(pk)
    tz = zone or (current.tz if current else None) or ctx.user.tz or (daily.tz if daily else None)
    if tz is None:
        raise UsageError(
            messages.WEEKLY_NEED_ZONE.format(day=DAY_NAMES[weekday], time=f"{at:%H:%M}")
        )
    ctx.adopt_zone(tz, typed=zone is not None)
    plan = Daily(at, tz, frozenset({weekday}))
    first, moment = _first_report(ctx.tx, current, plan, ctx.now)
    user = ctx.request.user
    ctx.tx.subscriptions.save_user(
        user_pk=pk,
        platform=user.platform,
        tenant=user.tenant,
        minute=minute_of_day(at),
        tz=tz,
        days=days_mask(plan.days),
        next_due=epoch(moment),
        next_date=first.isoformat(),
        now=ctx.now,
        kind=KIND,
    )
    return Reply(
        title=_label(plan),
        body=_next(moment, tz, ctx.now),
        kind="daily",
        buttons=(Button("Turn off", "weekly off"),),
    )


@command("weekly off", "Stop your weekly report (your daily tip stays as it is)", group=G)
def weekly_off(ctx: Context) -> Reply:
    current = ctx.tx.subscriptions.of_user(ctx.user.pk, KIND)
    if current is None or current.status == "off":
        return Reply(title=messages.WEEKLY_ALREADY_OFF, kind="notice")
    ctx.tx.subscriptions.set_status(current.id, "off", "", ctx.now)
    return Reply(title=messages.WEEKLY_OFF, kind="notice")

"""The weekly report: what a user did in the last 7 local days, and one next step.

:func:`read_week` gathers the data inside the delivery's unit of work (the ledger's
claim step); :func:`weekly_report` is a pure function of it and the bank. The window is
the 7 local days ending on the delivery's local date, from the start of the first to the
delivery instant, so a resend of the same delivery builds the same report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.bank.model import Bank, Role, Skill
from bot.core import messages
from bot.core.ports import UnitOfWork
from bot.core.progress import activity_day, coverage, user_streak
from bot.core.records import Changes
from bot.core.replies import Button, Field, Reply
from bot.core.schedule import instant

DAYS = 7
# What the ledger stores as the row's tip once a weekly report is claimed: the row then
# counts as tried (a later attempt is a resend under the same key).
CLAIMED = "weekly-report"
EXCERPT = 160  # characters of the helpful tip quoted in the report


@dataclass(frozen=True, slots=True)
class Week:
    """Everything the report says, read in one unit of work."""

    first: date  # the window's first local date
    last: date  # the delivery's local date
    changes: Changes
    statuses: dict[str, str]  # skill id -> 'learning' | 'done' now
    streak: int  # current streak on ``last``


def read_week(tx: UnitOfWork, user_pk: int, day: date, tz: str, until: datetime) -> Week:
    """The week ending on local date ``day`` (zone ``tz``), up to the instant ``until``."""
    first = day - timedelta(days=DAYS - 1)
    since = instant(first, time(0, 0), tz)
    changes = tx.progress.changes(user_pk, since, until)
    # the streak as `progress` shows it: the user's day start, quiet days and freezes
    prefs = tx.habits.prefs(user_pk)
    today = activity_day(until, ZoneInfo(tz), prefs.day_start)
    current = user_streak(
        tx.users.activity_days(user_pk), tx.habits.quiet_days(user_pk), prefs.weekends_since, today
    ).current
    return Week(first, day, changes, tx.progress.skill_statuses(user_pk), current)


def best_role(bank: Bank, statuses: dict[str, str]) -> Role | None:
    """The role the user covers best (done skills, as ``roles`` counts them) among those
    with a skill left to do: the highest share, then the most skills, then bank order."""
    done = {s for s, st in statuses.items() if st == "done"}
    best: tuple[float, int] | None = None
    found: Role | None = None
    for role in bank.roles.values():
        have, need = coverage(role.skills, done)
        if need == 0 or have == need:
            continue
        score = (have / need, have)
        if best is None or score > best:
            best, found = score, role
    return found


def suggestion(bank: Bank, statuses: dict[str, str]) -> tuple[Role, Skill] | None:
    """One skill for next week: the first not-done skill of the best-covered role."""
    role = best_role(bank, statuses)
    if role is None:
        return None
    for sid in role.skills:
        if statuses.get(sid) != "done" and sid in bank.skills:
            return role, bank.skills[sid]
    return None  # pragma: no cover (best_role keeps roles with a skill left)


def _span(week: Week) -> str:
    def one(day: date) -> str:
        return f"{day:%a} {day.day} {day:%b}"

    return f"{one(week.first)} – {one(week.last)}"


def weekly_report(bank: Bank, week: Week) -> Reply:
    """The report card: tips read, skills moved, roadmap steps, streak, the most helpful
    tip and one suggestion; a short encouraging card for a week with nothing in it."""
    ch = week.changes
    seen = [t for t in ch.tips_seen if t in bank.tips]
    skills = [(bank.skills[s], st) for s, st in ch.skills.items() if s in bank.skills]
    steps = {s.id: s for s in bank.steps}
    done_steps = [steps[s] for s in ch.steps if s in steps]
    helpful = next((bank.tips[t] for t in ch.helpful if t in bank.tips), None)
    pick = suggestion(bank, week.statuses)
    buttons: list[Button] = []
    if pick is not None:
        buttons.append(Button(f"Learn {pick[1].name}"[:40], f"learn {pick[1].id}", "primary"))
    buttons.append(Button("Progress", "progress"))
    next_line = (
        messages.WEEKLY_SUGGEST.format(skill=pick[1].name, role=pick[0].name)
        if pick is not None
        else messages.WEEKLY_SUGGEST_NONE
    )
    footer = messages.WEEKLY_FOOTER
    title = messages.WEEKLY_REPORT_TITLE.format(span=_span(week))
    if not (seen or skills or done_steps or helpful):
        body = messages.WEEKLY_EMPTY.format(streak=week.streak)
        return Reply(
            title=title,
            body=body,
            fields=(Field(messages.WEEKLY_NEXT_FIELD, next_line),),
            buttons=(*buttons, Button("Get a tip", "tip")),
            ephemeral=False,
            kind="weekly",
            footer=footer,
        )
    moved = (
        "\n".join(f"{messages.STATUS_MARK[st]} {s.name} — {st}" for s, st in skills)
        if skills
        else messages.WEEKLY_NONE
    )
    roadmap = "\n".join(f"☑️ {s.title}" for s in done_steps) if done_steps else messages.WEEKLY_NONE
    if helpful is not None:
        text = helpful.text if len(helpful.text) <= EXCERPT else helpful.text[: EXCERPT - 1] + "…"
        liked = messages.WEEKLY_HELPFUL.format(tip_id=helpful.id, text=text)
    else:
        liked = messages.WEEKLY_HELPFUL_NONE
    fields = (
        Field(messages.WEEKLY_TIPS_FIELD, str(len(seen)), inline=True),
        Field(
            messages.WEEKLY_STREAK_FIELD, messages.WEEKLY_STREAK.format(n=week.streak), inline=True
        ),
        Field(messages.WEEKLY_SKILLS_FIELD.format(n=len(skills)), moved),
        Field(messages.WEEKLY_STEPS_FIELD.format(n=len(done_steps)), roadmap),
        Field(messages.WEEKLY_HELPFUL_FIELD, liked),
        Field(messages.WEEKLY_NEXT_FIELD, next_line),
    )
    return Reply(
        title=title,
        body=messages.WEEKLY_BODY,
        fields=fields,
        buttons=tuple(buttons),
        ephemeral=False,
        kind="weekly",
        footer=footer,
    )

"""progress, export, forget"""

from __future__ import annotations

import json

from bot.core import messages
from bot.core.app import Context
from bot.core.commands import Option, command
from bot.core.handlers import link
from bot.core.progress import Streak, bar, user_streak
from bot.core.replies import Attachment, Button, Field, Reply
from bot.core.review import due
from bot.core.schedule import epoch
from bot.core.tips import scope


@command("progress", "Your dashboard: skills, roadmap, tips, streaks", group="Progress")
def progress(ctx: Context) -> Reply:
    pk = ctx.user.pk
    statuses = ctx.tx.progress.skill_statuses(pk)
    views = ctx.tx.tips.tip_views(pk)
    marks = ctx.tx.tips.marks(pk)
    steps_done = ctx.tx.progress.roadmap_done(pk)
    run = streak_of(ctx)
    bank = ctx.bank

    def names(status: str) -> str:
        found = sorted(
            bank.skills[s].name for s, st in statuses.items() if st == status and s in bank.skills
        )
        return ", ".join(found) if found else "—"

    learning = sum(1 for s in statuses.values() if s == "learning")
    done = sum(1 for s in statuses.values() if s == "done")
    level = ctx.user.level
    in_level = {t.id for t in scope(bank, None, level)}  # as the tip footer counts them
    seen = len({bank.resolve(t) for t in views} & in_level)
    n_steps = len(bank.steps)
    roadmap_done = sum(1 for s in bank.steps if s.id in steps_done)
    fields: tuple[Field, ...] = (
        Field(f"📘 Learning ({learning})", names("learning")),
        Field(f"✅ Done ({done})", names("done")),
        Field("Skills done", bar(done, len(bank.skills)), inline=True),
        Field("Roadmap", f"{bar(roadmap_done, n_steps)} · {roadmap_done}/{n_steps}", inline=True),
        Field("Tips read", f"{bar(seen, len(in_level))} · {seen}/{len(in_level)}", inline=True),
        Field("Saved tips", str(sum(1 for _, at in marks.values() if at)), inline=True),
        Field("Helpful votes", str(sum(1 for v, _ in marks.values() if v > 0)), inline=True),
        Field("Streak", messages.STREAK_VALUE.format(**_streak_values(run)), inline=True),
        Field("Level", messages.LEVEL_SHORT[level or "all"], inline=True),
        _reviews(ctx),
    )
    linked = link.status_line(ctx)
    if linked:
        fields = (*fields, Field("Profile", linked, inline=True))
    return Reply(
        title=messages.PROGRESS_TITLE,
        fields=fields,
        kind="progress",
        buttons=(
            Button("Next tip", "tip", "primary"),
            Button("Roadmap", "roadmap"),
            Button("Saved tips", "saved"),
        ),
        replace=ctx.request.via_button,
    )


def _reviews(ctx: Context) -> Field:
    """Spaced review: answers given, and reviews due now."""
    rows = ctx.tx.tips.reviews(ctx.user.pk)
    done = sum(r.answers for r in rows)
    waiting = len(due(rows, epoch(ctx.now), ctx.bank.tips))
    return Field("Reviews", messages.REVIEW_PROGRESS.format(done=done, due=waiting), inline=True)


def streak_of(ctx: Context) -> Streak:
    """The user's streak: their activity days, with quiet days and weekends neutral."""
    pk = ctx.user.pk
    return user_streak(
        ctx.tx.users.activity_days(pk),
        ctx.tx.habits.quiet_days(pk),
        ctx.prefs.weekends_since,
        ctx.day,
    )


def _streak_values(run: Streak) -> dict[str, int]:
    return {"current": run.current, "best": run.best, "freezes": run.freezes}


@command("export", "All your data as JSON", group="Your data")
def export(ctx: Context) -> Reply:
    data = ctx.tx.users.export(ctx.user.pk)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return Reply(
        title=messages.EXPORT_TITLE,
        body=messages.EXPORT_BODY,
        kind="export",
        attachment=Attachment("careerbot-export.json", text),
    )


@command(
    "forget",
    "Delete all your data (asks to confirm)",
    Option("confirm", "choice", "type confirm to delete", required=False, choices=("confirm",)),
    group="Your data",
)
def forget(ctx: Context, confirm: str | None = None) -> Reply:
    if confirm != "confirm":
        body = messages.FORGET_BODY
        who = ctx.request.user
        me = (who.platform, who.tenant, who.user_id)
        others = [
            a
            for a in ctx.tx.links.identities(ctx.user.pk)
            if (a.platform, a.tenant, a.user_id) != me
        ]
        if others:  # a linked profile goes with every account that uses it
            body = messages.FORGET_LINKED.format(accounts=link.accounts(others)) + "\n" + body
        return Reply(title=messages.FORGET_TITLE, body=body, kind="notice")
    ctx.tx.users.forget(ctx.user.pk)
    return Reply(title=messages.FORGOTTEN, kind="notice")

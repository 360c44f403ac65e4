"""tip, saved, and the tip buttons: save, unsave, rate, share."""

from __future__ import annotations

from dataclasses import replace

from bot.bank.model import Tip
from bot.core import messages
from bot.core.app import Context
from bot.core.commands import Option, command
from bot.core.replies import Button, Field, Reply
from bot.core.tips import next_tip, scope

G = "Tips"
TIP = Option("tip", "word", "the tip id, e.g. t001")


@command(
    "tip",
    "Your next unseen tip, optionally for one skill",
    Option("skill", "skill", "only tips about this skill", required=False),
    group=G,
)
def tip(ctx: Context, skill: str | None = None) -> Reply:
    skill_id = ctx.skill(skill).id if skill else None
    pk = ctx.user.pk
    views = ctx.tx.tip_views(pk)
    marks = ctx.tx.marks(pk)
    statuses = ctx.tx.skill_statuses(pk)
    unhelpful = {t for t, (vote, _) in marks.items() if vote < 0}
    learning = {s for s, st in statuses.items() if st == "learning"}
    chosen = next_tip(ctx.bank, pk, views, unhelpful, learning, skill_id)
    in_scope = scope(ctx.bank, skill_id)
    if chosen is None:
        body = messages.ALL_UNHELPFUL if in_scope else messages.EMPTY_BANK
        return Reply(title=messages.TIP_TITLE, body=body, kind="tip")
    # Every candidate seen equally often, and at least once: a new round begins.
    counts = {views.get(t.id, 0) for t in in_scope if t.id not in unhelpful}
    restart = len(counts) == 1 and views.get(chosen.id, 0) > 0
    ctx.tx.record_view(pk, chosen.id, ctx.now)
    ctx.mark_active()
    views[chosen.id] = views.get(chosen.id, 0) + 1
    seen = sum(1 for t in in_scope if views.get(t.id, 0) > 0)
    card = tip_card(
        ctx,
        chosen,
        next_command="tip" + (f" {skill_id}" if skill_id else ""),
        saved=marks.get(chosen.id, (0, None))[1] is not None,
        footer=messages.TIP_FOOTER.format(tip_id=chosen.id, seen=seen, total=len(in_scope)),
    )
    notices = (messages.TIP_RESTART,) if restart else ()
    return replace(card, notices=notices, replace=ctx.request.via_button)


def tip_card(ctx: Context, tip: Tip, *, next_command: str, saved: bool, footer: str) -> Reply:
    names = [ctx.bank.skills[s].name for s in tip.skills if s in ctx.bank.skills]
    save = Button("Unsave", f"unsave {tip.id}") if saved else Button("Save", f"save {tip.id}")
    return Reply(
        title=messages.TIP_TITLE_FOR.format(skills=", ".join(names))
        if names
        else messages.TIP_TITLE,
        body=tip.text,
        source=ctx.source(tip),
        buttons=(
            Button("Next", next_command, "primary"),
            Button("Helpful", f"rate {tip.id} up"),
            Button("Not helpful", f"rate {tip.id} down"),
            save,
            Button("Share", f"share {tip.id}"),
        ),
        kind="tip",
        footer=footer,
    )


@command("save", "Save a tip", TIP, group=G, button_only=True)
def save(ctx: Context, tip: str) -> Reply:
    chosen = ctx.tip(tip)
    ctx.tx.set_saved(ctx.user.pk, chosen.id, ctx.now)
    ctx.mark_active()
    return Reply(title=messages.SAVED_OK.format(tip_id=chosen.id), kind="notice")


@command(
    "unsave",
    "Remove a tip from your saved tips",
    TIP,
    group=G,
    button_only=True,
)
def unsave(ctx: Context, tip: str) -> Reply:
    chosen = ctx.tip(tip)
    ctx.tx.set_saved(ctx.user.pk, chosen.id, None)
    return Reply(title=messages.UNSAVED_OK.format(tip_id=chosen.id), kind="notice")


@command(
    "rate",
    "Rate a tip helpful or not",
    TIP,
    Option("vote", "choice", "up or down", choices=("up", "down")),
    group=G,
    button_only=True,
)
def rate(ctx: Context, tip: str, vote: str) -> Reply:
    chosen = ctx.tip(tip)
    ctx.tx.set_vote(ctx.user.pk, chosen.id, 1 if vote == "up" else -1)
    ctx.mark_active()
    text = messages.VOTE_UP if vote == "up" else messages.VOTE_DOWN
    return Reply(title=text.format(tip_id=chosen.id), kind="notice")


@command(
    "share",
    "Post a tip to the channel",
    TIP,
    group=G,
    button_only=True,
)
def share(ctx: Context, tip: str) -> Reply:
    chosen = ctx.tip(tip)
    who = ctx.request.user.display_name or "a teammate"
    card = tip_card(
        ctx, chosen, next_command="tip", saved=False, footer=messages.SHARED_BY.format(name=who)
    )
    return replace(card, ephemeral=False, buttons=(Button("Get my own tip", "tip", "primary"),))


@command("saved", "Your saved tips", group=G)
def saved(ctx: Context) -> Reply:
    marks = ctx.tx.marks(ctx.user.pk)
    items = sorted(
        ((at, t) for t, (_, at) in marks.items() if at and t in ctx.bank.tips), reverse=True
    )
    if not items:
        return Reply(title=messages.SAVED_TITLE, body=messages.SAVED_EMPTY, kind="saved")
    fields = tuple(Field(f"{tid} · saved {at[:10]}", ctx.bank.tips[tid].text) for at, tid in items)
    return Reply(
        title=messages.SAVED_TITLE,
        fields=fields,
        kind="saved",
        buttons=tuple(Button(f"Unsave {tid}", f"unsave {tid}") for _, tid in items[:5]),
    )

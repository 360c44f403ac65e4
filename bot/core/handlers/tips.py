"""tip, saved, and the tip buttons: save, unsave, rate, share."""

from __future__ import annotations

from dataclasses import replace

from bot.bank.model import Tip
from bot.core import messages
from bot.core.app import Context
from bot.core.cards import source_button, tip_card
from bot.core.commands import Option, command
from bot.core.errors import NotFound
from bot.core.replies import Button, Field, Reply
from bot.core.review import start as start_review
from bot.core.tips import pick_tip
from bot.core.tips import seen as seen_in

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
    pick = pick_tip(ctx.tx, ctx.bank, user_pk=ctx.user.pk, skill_id=skill_id, level=ctx.user.level)
    chosen, views, in_scope = pick.tip, dict(pick.views), pick.in_scope
    if chosen is None:
        body = messages.ALL_UNHELPFUL if in_scope else messages.EMPTY_BANK
        return Reply(title=messages.TIP_TITLE, body=body, kind="tip")
    ctx.tx.tips.record_view(ctx.user.pk, chosen.id, ctx.now)
    ctx.mark_active()
    views[chosen.id] = views.get(chosen.id, 0) + 1
    seen = seen_in(ctx.bank, views, skill_id, pick.level)
    card = tip_card(
        ctx.bank,
        chosen,
        next_command="tip" + (f" {skill_id}" if skill_id else ""),
        saved=pick.saved,
        footer=messages.TIP_FOOTER.format(tip_id=chosen.id, seen=seen, total=len(in_scope)),
    )
    notices = (messages.TIP_RESTART,) if pick.new_round else ()
    return replace(card, notices=notices, replace=ctx.request.via_button)


@command("save", "Save a tip", TIP, group=G, button_only=True)
def save(ctx: Context, tip: str) -> Reply:
    chosen = ctx.tip(tip)
    ctx.tx.tips.set_saved(ctx.user.pk, chosen.id, ctx.now)
    # saved tips come back for spaced review
    start_review(ctx.tx.tips, ctx.user.pk, chosen.id, ctx.now)
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
    for tip_id in (chosen.id, *ctx.bank.merged_into(chosen.id)):  # saved before a merge
        ctx.tx.tips.set_saved(ctx.user.pk, tip_id, None)
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
    ctx.tx.tips.set_vote(ctx.user.pk, chosen.id, 1 if vote == "up" else -1, ctx.now)
    if vote == "up":
        # helpful tips come back for spaced review
        start_review(ctx.tx.tips, ctx.user.pk, chosen.id, ctx.now)
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
        ctx.bank,
        chosen,
        next_command="tip",
        saved=False,
        footer=messages.SHARED_BY.format(name=who),
    )
    buttons = (Button("Get my own tip", "tip", "primary"), source_button(chosen.id))
    return replace(card, ephemeral=False, buttons=buttons)


@command("saved", "Your saved tips", group=G)
def saved(ctx: Context) -> Reply:
    latest: dict[str, str] = {}  # a tip saved under a merged id shows as the kept tip
    for t, (_, at) in ctx.tx.tips.marks(ctx.user.pk).items():
        tid = ctx.bank.resolve(t)
        if at and tid in ctx.bank.tips and at > latest.get(tid, ""):
            latest[tid] = at
    items = sorted(((at, t) for t, at in latest.items()), reverse=True)
    if not items:
        return Reply(title=messages.SAVED_TITLE, body=messages.SAVED_EMPTY, kind="saved")
    fields = tuple(_saved_field(ctx, tid, at) for at, tid in items)
    shown = [tid for _, tid in items[:5]]
    unsave = tuple(Button(f"Unsave {tid}", f"unsave {tid}") for tid in shown)
    sources = tuple(Button(f"{messages.SOURCE_BUTTON} {tid}", f"source {tid}") for tid in shown)
    return Reply(title=messages.SAVED_TITLE, fields=fields, kind="saved", buttons=unsave + sources)


def _saved_field(ctx: Context, tip_id: str, saved_at: str) -> Field:
    """A saved tip with its one short source line."""
    tip = ctx.bank.tips[tip_id]
    title = ctx.bank.doc_title(tip.source.doc)
    line = messages.SOURCE_LINE.format(title=title)
    return Field(f"{tip_id} · saved {saved_at[:10]}", f"{tip.text}\n{line}")


@command(
    "source",
    "Where a tip, skill or role comes from: the quote and its document",
    Option("tip", "word", "a tip id (t001), or a skill or role id"),
    group=G,
    button_only=True,
)
def source(ctx: Context, tip: str) -> Reply:
    key = tip.lower()
    bank = ctx.bank
    found = bank.tips.get(key) or bank.skills.get(key) or bank.roles.get(key)
    if found is None:
        raise NotFound(messages.SOURCE_NOT_FOUND_KIND, tip[:40], [], listing=None)
    ref = ctx.source(found)
    document = f"{ref.title}\n{ref.url}" if ref.url else ref.title
    what = found.id if isinstance(found, Tip) else found.name
    return Reply(
        title=messages.SOURCE_TITLE.format(what=what),
        body=f"“{ref.quote}”",
        fields=(Field(messages.SOURCE_DOCUMENT, document),),
        kind="source",
    )


@command(
    "level",
    "Who your tips are for: aspiring, early-career, experienced or all",
    Option("level", "choice", messages.LEVEL_HELP, required=False, choices=messages.LEVEL_CHOICES),
    group=G,
)
def level(ctx: Context, level: str | None = None) -> Reply:
    current = ctx.user.level or "all"
    if level is None:
        label = messages.LEVEL_LABELS[current]
        return Reply(
            title=messages.LEVEL_TITLE.format(label=label),
            body=messages.LEVEL_SHOW.format(label=label),
            kind="notice",
        )
    label = messages.LEVEL_LABELS[level]
    if level == current:
        return Reply(title=messages.LEVEL_SAME.format(label=label), kind="notice")
    ctx.tx.users.set_level(ctx.user.pk, None if level == "all" else level)
    return Reply(
        title=messages.LEVEL_TITLE.format(label=label),
        body=messages.LEVEL_ALL if level == "all" else messages.LEVEL_SET.format(label=label),
        kind="notice",
        buttons=(Button("Next tip", "tip", "primary"),),
    )

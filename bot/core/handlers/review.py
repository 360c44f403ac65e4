"""review, and its buttons Remembered / Not yet: spaced review of saved and helpful tips.

The schedule is :mod:`bot.core.review` (SM-2 simplified). A button carries the review's
answer count when it was shown, so a second click, or a click on an old card, changes
nothing and says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core import messages
from bot.core.app import Context
from bot.core.cards import review_card
from bot.core.commands import Option, command
from bot.core.records import ReviewRow
from bot.core.replies import Button, Field, Reply
from bot.core.review import answer as after_answer
from bot.core.review import due, next_due, schedule_of
from bot.core.schedule import describe_local, describe_wait, epoch, from_epoch

G = "Progress"


@command(
    "review",
    "Recall a due saved/helpful tip (SM-2 simplified: 1 day, 3 days, then × ease)",
    group=G,
)
def review(ctx: Context) -> Reply:
    rows = ctx.tx.tips.reviews(ctx.user.pk)
    now = epoch(ctx.now)
    dues = due(rows, now, ctx.bank.tips)
    if dues:
        first = dues[0]
        card = review_card(ctx.bank, ctx.bank.tips[first.tip_id], seq=first.answers, due=len(dues))
        return replace(card, replace=ctx.request.via_button)
    soonest = next_due(rows, ctx.bank.tips)
    how = (Field(messages.REVIEW_HOW_TITLE, messages.REVIEW_HOW),)
    if soonest is None:
        body = messages.REVIEW_EMPTY
    else:
        when = _when(ctx, soonest.due_at)
        body = messages.REVIEW_NONE_DUE.format(tip_id=soonest.tip_id, when=when)
    return Reply(title=messages.REVIEW_TITLE_PLAIN, body=body, fields=how, kind="review")


@command(
    "review answer",
    "Answer a review: remembered or not yet",
    Option("tip", "word", "the tip id, e.g. t001"),
    Option("answer", "choice", "remembered or not-yet", choices=("remembered", "not-yet")),
    Option("seq", "int", "the review's answer count on the card", min_value=0),
    group=G,
    button_only=True,
)
def review_answer(ctx: Context, tip: str, answer: str, seq: int) -> Reply:
    chosen = ctx.tip(tip)
    row = next((r for r in ctx.tx.tips.reviews(ctx.user.pk) if r.tip_id == chosen.id), None)
    if row is None or not row.active:
        return Reply(title=messages.REVIEW_STALE_GONE.format(tip_id=chosen.id), kind="notice")
    stale = _stale(ctx, row, seq)
    if stale is not None:
        return Reply(title=stale, kind="notice")
    remembered = answer == "remembered"
    after = after_answer(schedule_of(row), remembered)
    due_at = ctx.now + timedelta(days=after.interval)
    done = ctx.tx.tips.answer_review(
        ctx.user.pk,
        chosen.id,
        seq=seq,
        remembered=remembered,
        due_at=epoch(due_at),
        interval=after.interval,
        ease=after.ease,
        streak=after.streak,
        now=ctx.now,
    )
    if not done:  # another click got there first
        return Reply(title=messages.REVIEW_STALE_ANSWERED.format(tip_id=chosen.id), kind="notice")
    ctx.mark_active()
    text = messages.REVIEW_REMEMBERED if remembered else messages.REVIEW_NOT_YET
    more = due(ctx.tx.tips.reviews(ctx.user.pk), epoch(ctx.now), ctx.bank.tips)
    buttons = (Button(messages.REVIEW_BUTTON_NEXT, "review", "primary"),) if more else ()
    return Reply(
        title=text.format(tip_id=chosen.id, days=after.interval), kind="notice", buttons=buttons
    )


def _stale(ctx: Context, row: ReviewRow, seq: int) -> str | None:
    """Why a click on this review changes nothing (answered since the card was shown, or
    not due yet), or None when it answers the review as it stands."""
    if row.answers != seq:
        return messages.REVIEW_STALE_ANSWERED.format(tip_id=row.tip_id)
    if row.due_at > epoch(ctx.now):
        when = _when(ctx, row.due_at)
        return messages.REVIEW_STALE_NOT_DUE.format(tip_id=row.tip_id, when=when)
    return None


def _when(ctx: Context, at: int) -> str:
    moment = from_epoch(at)
    wait = describe_wait(moment - ctx.now)
    return f"{describe_local(moment, ctx.user.tz or 'UTC')}, {wait}"

"""Tip selection: the next unseen tip, for the ``tip`` command and the daily tip.

Order: the tips seen least often first (so nothing repeats until every tip in scope
has been seen), then tips about skills the user is learning, then the bank's
order rotated per user (stable for one user, different between users). Tips
marked "not helpful" are never chosen again.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from itertools import chain, islice

from bot.bank.model import Bank, Tip
from bot.core.ports import UnitOfWork


def scope(bank: Bank, skill_id: str | None) -> list[Tip]:
    if skill_id is None:
        return list(bank.tips.values())
    return [t for t in bank.tips.values() if skill_id in t.skills]


def next_tip(
    bank: Bank,
    user_pk: int,
    views: Mapping[str, int],
    unhelpful: Set[str],
    learning: Set[str],
    skill_id: str | None = None,
) -> Tip | None:
    return _next(scope(bank, skill_id), user_pk, views, unhelpful, learning)


def _next(
    tips: list[Tip], user_pk: int, views: Mapping[str, int], unhelpful: Set[str], learning: Set[str]
) -> Tip | None:
    """The tip with the smallest (times seen, not favoured, place in the user's rotation).

    Walks the tips in the user's rotation, so the first tip with the smallest (seen,
    favoured) is the answer, and stops at the first one no tip can beat (unseen, and
    favoured when anything can be): a command's cost is the tips seen, not the bank.
    """
    if not tips:
        return None
    offset = user_pk % len(tips)  # each user starts the bank at a different place
    floor = 0 if learning else 1  # the best "favoured" value any tip can have
    best: Tip | None = None
    best_key = (0, 0)
    for t in chain(islice(tips, offset, None), islice(tips, offset)):
        if t.id in unhelpful:
            continue
        favoured = 0 if learning and not learning.isdisjoint(t.skills) else 1
        key = (views.get(t.id, 0), favoured)
        if best is None or key < best_key:
            best, best_key = t, key
            if key == (0, floor):
                break
    return best


def seen(bank: Bank, views: Mapping[str, int], skill_id: str | None) -> int:
    """How many tips of the scope (:func:`scope`) ``views`` counts as seen at least once
    (walks the views, which are fewer than the bank's tips)."""
    tips = bank.tips
    return sum(
        1
        for tid, times in views.items()
        if times > 0 and tid in tips and (skill_id is None or skill_id in tips[tid].skills)
    )


@dataclass(frozen=True, slots=True)
class Pick:
    """The chosen tip (None: nothing left in scope) and what it was chosen from."""

    tip: Tip | None
    in_scope: list[Tip]
    views: dict[str, int]  # tip id -> times shown (before this one)
    marks: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # vote, saved_at
    unhelpful: frozenset[str] = frozenset()

    @property
    def saved(self) -> bool:
        return self.tip is not None and self.marks.get(self.tip.id, (0, None))[1] is not None

    @property
    def new_round(self) -> bool:
        """Every candidate seen equally often, and at least once: a new round begins."""
        if self.tip is None or self.views.get(self.tip.id, 0) == 0:
            return False
        counts = {self.views.get(t.id, 0) for t in self.in_scope if t.id not in self.unhelpful}
        return len(counts) == 1


def pick_tip(
    tx: UnitOfWork,
    bank: Bank,
    *,
    user_pk: int | None = None,
    channel_sub: int | None = None,
    skill_id: str | None = None,
) -> Pick:
    """The next tip for a user (``tip``, a daily DM) or a channel's daily post.

    A user's pick counts what they saw, skips what they rated unhelpful and favours
    skills they are learning; a channel's counts what the subscription posted.
    Recording the view is the caller's (a command counts it, a resend does not).
    """
    if user_pk is None:
        if channel_sub is None:
            raise ValueError("pick_tip needs a user_pk or a channel_sub")
        views = tx.deliveries.channel_views(channel_sub)
        in_scope = scope(bank, skill_id)
        return Pick(_next(in_scope, -channel_sub, views, set(), set()), in_scope, views)
    views = tx.tips.tip_views(user_pk)
    marks = tx.tips.marks(user_pk)
    statuses = tx.progress.skill_statuses(user_pk)
    unhelpful = frozenset(t for t, (vote, _) in marks.items() if vote < 0)
    learning = {s for s, st in statuses.items() if st == "learning"}
    in_scope = scope(bank, skill_id)
    chosen = _next(in_scope, user_pk, views, unhelpful, learning)
    return Pick(chosen, in_scope, views, marks, unhelpful)

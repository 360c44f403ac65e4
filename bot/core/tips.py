"""Tip selection: the next unseen tip, for the ``tip`` command and the daily tip.

Order: the tips seen least often first (so nothing repeats until every tip in scope
has been seen), then tips about skills the user is learning, then the bank's
order rotated per user (stable for one user, different between users). Tips
marked "not helpful" are never chosen again.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field

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
    tips = scope(bank, skill_id)
    if not tips:
        return None
    offset = user_pk % len(tips)  # each user starts the bank at a different place
    best: Tip | None = None
    best_key = (0, 0, 0)
    for i, t in enumerate(tips):
        if t.id in unhelpful:
            continue
        favoured = 0 if learning and not learning.isdisjoint(t.skills) else 1
        key = (views.get(t.id, 0), favoured, (i - offset) % len(tips))
        if best is None or key < best_key:
            best, best_key = t, key
    return best


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
        if self.tip is None:
            return False
        counts = {self.views.get(t.id, 0) for t in self.in_scope if t.id not in self.unhelpful}
        return len(counts) == 1 and self.views.get(self.tip.id, 0) > 0


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
        chosen = next_tip(bank, -channel_sub, views, set(), set(), skill_id)
        return Pick(chosen, scope(bank, skill_id), views)
    views = tx.tips.tip_views(user_pk)
    marks = tx.tips.marks(user_pk)
    statuses = tx.progress.skill_statuses(user_pk)
    unhelpful = frozenset(t for t, (vote, _) in marks.items() if vote < 0)
    learning = {s for s, st in statuses.items() if st == "learning"}
    chosen = next_tip(bank, user_pk, views, unhelpful, learning, skill_id)
    return Pick(chosen, scope(bank, skill_id), views, marks, unhelpful)

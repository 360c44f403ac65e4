"""Tip selection: the user's next unseen tip.

Order: the tips seen least often first (so nothing repeats until every tip in scope
has been seen), then tips about skills the user is learning, then the bank's
order rotated per user (stable for one user, different between users). Tips
marked "not helpful" are never chosen again.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from bot.bank.model import Bank, Tip


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

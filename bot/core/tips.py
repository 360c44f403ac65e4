"""Tip selection: the user's next unseen tip.

Order: the tips seen least often first (so nothing repeats until every tip in scope
has been seen), then tips about skills the user is learning, then a per-user
shuffle that is stable (the same user gets the same order, users differ). Tips
marked "not helpful" are never chosen again.
"""

from __future__ import annotations

import zlib
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
    candidates = [t for t in scope(bank, skill_id) if t.id not in unhelpful]
    if not candidates:
        return None

    def key(t: Tip) -> tuple[int, int, int]:
        favoured = 0 if any(s in learning for s in t.skills) else 1
        return (views.get(t.id, 0), favoured, zlib.crc32(f"{user_pk}:{t.id}".encode()))

    return min(candidates, key=key)

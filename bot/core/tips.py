"""Tip selection: the next unseen tip, for the ``tip`` command and the daily tip.

Every scope (the whole bank, or one skill's tips) has a *rotation*: an order of its
tips, built once per bank, in which no two neighbours share a skill when the scope
allows it and categories take turns (each next tip is from the skills and categories
shown least so far). A user walks the rotation from their own starting place (stable
for one user, different between users); with skills they are learning, every other
tip is one of those. Tips seen least often come first, so nothing repeats until every
tip in scope has been seen; tips marked "not helpful" are never chosen again.

A user's level (``level``: aspiring, early, experienced) narrows every scope to the tips
that serve it (tips with no ``levels`` serve everyone); when it would leave a scope
empty, the scope keeps all its tips rather than a dead end.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from bot.bank.model import Bank, Tip, serves
from bot.core.ports import UnitOfWork


def _cached(bank: Bank, key: str, build: Callable[[], object]) -> Any:
    """``build()``, once per bank: the bank never changes while it is loaded."""
    found = bank.cache.get(key)
    if found is None:
        found = bank.cache[key] = build()
    return found


def scope(bank: Bank, skill_id: str | None, level: str | None = None) -> Sequence[Tip]:
    """The tips of a scope (all, or one skill's) that serve ``level`` (None: any level);
    all the scope's tips when none does. Cached on the bank (read-only)."""

    def build() -> tuple[Tip, ...]:
        tips = tuple(t for t in bank.tips.values() if skill_id is None or skill_id in t.skills)
        return tuple(t for t in tips if serves(t.levels, level)) or tips

    scoped: tuple[Tip, ...] = _cached(bank, f"scope:{skill_id or ''}:{level or ''}", build)
    return scoped


Skillsets = Mapping[str, frozenset[str]]


def _skillsets(bank: Bank, common: str | None) -> Skillsets:
    """Tip id -> its skills but ``common``, the skill every tip of the scope has (cached
    on the bank): two tips clash when their sets meet — the hot test of every ``tip``."""

    def build() -> Skillsets:
        return {t.id: frozenset(s for s in t.skills if s != common) for t in bank.tips.values()}

    sets: Skillsets = _cached(bank, f"skillsets:{common or ''}", build)
    return sets


def rotation(bank: Bank, skill_id: str | None = None, level: str | None = None) -> list[Tip]:
    """The scope's tips in rotation order (cached on the bank)."""

    def build() -> list[Tip]:
        return _build_rotation(bank, scope(bank, skill_id, level), skill_id)

    order: list[Tip] = _cached(bank, f"rotation:{skill_id or ''}:{level or ''}", build)
    return order


_Cost = tuple[bool, bool, int, int, str]


def _build_rotation(bank: Bank, tips: Sequence[Tip], common: str | None) -> list[Tip]:
    """Greedy: next the tip that shares no skill with the last one, whose skills and
    categories were shown least so far; ties by a hash of the id (not file order)."""

    def cats(t: Tip) -> set[str]:
        return {bank.skills[s].category for s in t.skills if s in bank.skills}

    sets = _skillsets(bank, common)
    rank = {t.id: hashlib.sha256(t.id.encode()).hexdigest() for t in tips}
    left = sorted(tips, key=lambda t: rank[t.id])
    skill_uses: Counter[str] = Counter()
    cat_uses: Counter[str] = Counter()
    out: list[Tip] = []
    while left:
        last = out[-1] if out else None
        last_cats = cats(last) if last else set()

        def cost(t: Tip, last: Tip | None = last, last_cats: set[str] = last_cats) -> _Cost:
            tc = cats(t)
            return (
                last is not None and not sets[t.id].isdisjoint(sets[last.id]),
                bool(tc & last_cats),
                max((skill_uses[s] for s in t.skills if s != common), default=0),
                min((cat_uses[c] for c in tc), default=0),
                rank[t.id],
            )

        best = min(left, key=cost)
        left.remove(best)
        out.append(best)
        skill_uses.update(best.skills)
        cat_uses.update(cats(best))
    return out


def _interleave(order: list[Tip], learning: Set[str], sets: Skillsets) -> Iterator[Tip]:
    """Every other tip from the learning skills (first one included), the rest between,
    each the first of its kind in ``order`` that does not share a skill with the last.
    Lazy: a ``tip`` needs only the order's first unseen tip, not all of it."""
    mine = [t for t in order if not learning.isdisjoint(t.skills)]
    if not mine or len(mine) == len(order):
        yield from order
        return
    others = [t for t in order if learning.isdisjoint(t.skills)]
    turn_mine = True
    last: frozenset[str] | None = None
    while mine or others:
        queue = mine if (turn_mine and mine) or not others else others
        turn_mine = not turn_mine
        i = 0
        if last is not None:
            i = next((i for i, t in enumerate(queue) if last.isdisjoint(sets[t.id])), 0)
        tip = queue.pop(i)
        last = sets[tip.id]
        yield tip


def _repair(order: Iterator[Tip], sets: Skillsets) -> Iterator[Tip]:
    """Move a later tip up wherever two neighbours share a skill (a hole left by a tip
    rated unhelpful, or the seam of a rotated order), if one fits between. Lazy: reads
    ``order`` one tip ahead, and all of it only where it has to look for a fit."""
    out: list[Tip] = []

    def fill(k: int) -> None:
        while len(out) < k:
            tip = next(order, None)
            if tip is None:
                return
            out.append(tip)

    fill(2)
    if out:
        yield out[0]
    i = 1
    while True:
        fill(i + 2)
        if i >= len(out):
            return
        before = sets[out[i - 1].id]
        if not before.isdisjoint(sets[out[i].id]):
            out.extend(order)  # look for a fit among all the rest
            after = sets[out[i + 1].id] if i + 1 < len(out) else None
            for j in range(i + 1, len(out)):
                mine = sets[out[j].id]
                nxt = after if i + 1 != j else None
                if before.isdisjoint(mine) and (nxt is None or nxt.isdisjoint(mine)):
                    out.insert(i, out.pop(j))
                    break
        yield out[i]
        i += 1


def next_tip(
    bank: Bank,
    user_pk: int,
    views: Mapping[str, int],
    unhelpful: Set[str],
    learning: Set[str],
    skill_id: str | None = None,
    level: str | None = None,
) -> Tip | None:
    base = rotation(bank, skill_id, level)
    if not base:
        return None
    offset = user_pk % len(base)  # each user starts the rotation at a different place
    order = [t for t in base[offset:] + base[:offset] if t.id not in unhelpful]
    if not order:
        return None
    least = min(views.get(t.id, 0) for t in order)
    sets = _skillsets(bank, skill_id)
    tips = _interleave(order, learning, sets)
    if unhelpful or offset:
        tips = _repair(tips, sets)
    return next(t for t in tips if views.get(t.id, 0) == least)


def seen(
    bank: Bank, views: Mapping[str, int], skill_id: str | None, level: str | None = None
) -> int:
    """How many tips of the scope (:func:`scope`) ``views`` counts as seen at least once."""
    if level is not None:
        return sum(1 for t in scope(bank, skill_id, level) if views.get(t.id, 0) > 0)
    tips = bank.tips  # walks the views, which are fewer than the bank's tips
    return sum(
        1
        for tid, times in views.items()
        if times > 0 and tid in tips and (skill_id is None or skill_id in tips[tid].skills)
    )


@dataclass(frozen=True, slots=True)
class Pick:
    """The chosen tip (None: nothing left in scope) and what it was chosen from (the
    scope as the user's ``level`` narrows it)."""

    tip: Tip | None
    in_scope: Sequence[Tip]
    views: dict[str, int]  # tip id -> times shown (before this one)
    marks: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # vote, saved_at
    unhelpful: frozenset[str] = frozenset()
    level: str | None = None

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
    level: str | None = None,
) -> Pick:
    """The next tip for a user (``tip``, a daily DM) or a channel's daily post.

    A user's pick counts what they saw, skips what they rated unhelpful and favours
    skills they are learning and keeps to the tips of their ``level`` (see :func:`scope`;
    the caller has it from the user look-up); a channel's counts what the subscription
    posted (every level).
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
    if bank.merged:  # what was seen or rated under a merged id counts for the kept tip
        views, marks = _follow_merges(bank, views, marks)
    statuses = tx.progress.skill_statuses(user_pk)
    unhelpful = frozenset(t for t, (vote, _) in marks.items() if vote < 0)
    learning = {s for s, st in statuses.items() if st == "learning"}
    chosen = next_tip(bank, user_pk, views, unhelpful, learning, skill_id, level)
    return Pick(chosen, scope(bank, skill_id, level), views, marks, unhelpful, level)


def _follow_merges(
    bank: Bank, views: dict[str, int], marks: dict[str, tuple[int, str | None]]
) -> tuple[dict[str, int], dict[str, tuple[int, str | None]]]:
    """``views`` and ``marks`` keyed by live tip ids: views of a merged tip add to the
    kept one's; a kept tip's own mark wins over one made under a merged id."""
    seen: dict[str, int] = {}
    for tid, times in views.items():
        live = bank.resolve(tid)
        seen[live] = seen.get(live, 0) + times
    marked = {bank.resolve(t): m for t, m in marks.items() if t in bank.merged}
    marked.update((t, m) for t, m in marks.items() if t not in bank.merged)
    return seen, marked

"""Tip choice: the walk that stops early picks what a scan of the whole bank picks.

``reference_*`` are the plain definitions (a key per tip, the minimum over all of them):
the tip with the fewest views, then favoured (about a skill being learnt), then first in
the user's rotation of the bank; skipping unhelpful tips. ``bot.core.tips`` must agree
on any views, votes, learning list, user and scope.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bank import load_bank
from bot.bank.model import Tip
from bot.core.tips import Pick, next_tip, scope, seen

BANK = load_bank()
TIP_IDS = sorted(BANK.tips)
SKILL_IDS = sorted(BANK.skills)


def reference_next(
    tips: list[Tip], user_pk: int, views: Mapping[str, int], unhelpful: Set[str], learning: Set[str]
) -> Tip | None:
    if not tips:
        return None
    offset = user_pk % len(tips)
    keyed = [
        (views.get(t.id, 0), 0 if learning & set(t.skills) else 1, (i - offset) % len(tips), t)
        for i, t in enumerate(tips)
        if t.id not in unhelpful
    ]
    return min(keyed, key=lambda k: k[:3])[3] if keyed else None


def reference_new_round(pick: Pick) -> bool:
    if pick.tip is None:
        return False
    counts = {pick.views.get(t.id, 0) for t in pick.in_scope if t.id not in pick.unhelpful}
    return len(counts) == 1 and pick.views.get(pick.tip.id, 0) > 0


few_tips = st.lists(st.sampled_from(TIP_IDS), max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    user_pk=st.integers(-1000, 10**6),
    viewed=st.dictionaries(st.sampled_from([*TIP_IDS, "gone"]), st.integers(0, 3), max_size=160),
    all_seen=st.integers(0, 2),
    unhelpful=few_tips.map(frozenset),
    learning=st.lists(st.sampled_from(SKILL_IDS), max_size=3).map(set),
    skill_id=st.one_of(st.none(), st.sampled_from(SKILL_IDS)),
)
def test_same_choice_as_a_full_scan(
    user_pk: int,
    viewed: dict[str, int],
    all_seen: int,
    unhelpful: frozenset[str],
    learning: set[str],
    skill_id: str | None,
) -> None:
    # every tip seen ``all_seen`` times, then some more: rounds and ties happen too
    views = {tid: all_seen for tid in TIP_IDS} | viewed if all_seen else viewed
    in_scope = scope(BANK, skill_id)
    want = reference_next(in_scope, user_pk, views, unhelpful, learning)
    got = next_tip(BANK, user_pk, views, unhelpful, learning, skill_id)
    assert got == want
    pick = Pick(got, in_scope, views, {}, unhelpful)
    assert pick.new_round == reference_new_round(pick)
    expected_seen = sum(1 for t in in_scope if views.get(t.id, 0) > 0)
    assert seen(BANK, views, skill_id) == expected_seen

"""Tip choice's shortcuts agree with the plain definitions over a scan of the bank.

``Pick.new_round`` (every tip in scope seen equally often, the chosen one already seen)
and ``seen`` (how many tips of the scope were seen) walk less than the whole bank;
``reference_new_round`` and the counted expectation are the plain definitions. The
choice itself is pinned by tests/core/test_rotation.py.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bank import load_bank
from bot.core.tips import Pick, next_tip, scope, seen

BANK = load_bank()
TIP_IDS = sorted(BANK.tips)
SKILL_IDS = sorted(BANK.skills)


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
def test_shortcuts_agree_with_a_full_scan(
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
    got = next_tip(BANK, user_pk, views, unhelpful, learning, skill_id)
    assert got is None or got.id not in unhelpful
    pick = Pick(got, in_scope, views, {}, unhelpful)
    assert pick.new_round == reference_new_round(pick)
    expected_seen = sum(1 for t in in_scope if views.get(t.id, 0) > 0)
    assert seen(BANK, views, skill_id) == expected_seen

"""Tip rotation on the real bank: neighbours never share a skill, categories spread."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import Store
from bot.core.requests import User
from tests.conftest import Chat, FakeClock


@pytest.fixture
def real_core(real_bank: Bank, store: Store, clock: FakeClock) -> Core:
    return Core(real_bank, store, clock=clock)


async def _tips(chat: Chat, bank: Bank, n: int, command: str = "tip") -> list[str]:
    ids = []
    for _ in range(n):
        reply = await chat(command)
        ids.append(reply.footer.split(" ")[0])
    assert all(i in bank.tips for i in ids)
    return ids


@pytest.mark.parametrize("name", ["alice", "bob", "carol"])
async def test_a_new_users_first_30_tips_never_repeat_a_skill_and_spread(
    real_core: Core, real_bank: Bank, name: str
) -> None:
    chat = Chat(real_core, User("console", "local", name, name.title()))
    ids = await _tips(chat, real_bank, 30)
    tips = [real_bank.tips[i] for i in ids]
    pairs = [(a.id, b.id) for a, b in pairwise(tips) if set(a.skills) & set(b.skills)]
    skills = {s for t in tips for s in t.skills}
    categories = {real_bank.skills[s].category for s in skills}
    assert pairs == []
    assert len(skills) >= 15 and len(categories) >= 8
    assert len(set(ids)) == 30


async def test_users_start_at_different_places(real_core: Core, real_bank: Bank) -> None:
    alice = Chat(real_core, User("console", "local", "alice", "Alice"))
    bob = Chat(real_core, User("console", "local", "bob", "Bob"))
    assert await _tips(alice, real_bank, 3) != await _tips(bob, real_bank, 3)


async def test_learning_skills_come_every_other_tip_without_neighbours_sharing(
    real_core: Core, real_bank: Bank
) -> None:
    chat = Chat(real_core, User("console", "local", "dana", "Dana"))
    assert (await chat("learn python")).ok
    n = len(real_bank.tips_for("python"))
    tips = [real_bank.tips[i] for i in await _tips(chat, real_bank, 2 * n + 4)]
    # every other tip until the learning skill's tips are all seen, then the rest
    assert ["python" in t.skills for t in tips] == [True, False] * n + [False] * 4
    assert not [(a.id, b.id) for a, b in pairwise(tips) if set(a.skills) & set(b.skills)]

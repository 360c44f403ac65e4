"""Levels (issue 15): ``level`` sets who a user's tips are for; the rotation, a skill's
tips, ``progress`` and the roadmap follow it. Run on a copy of the shipped bank with
``levels`` tagged by a fixed rule, through the Core on every backend."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from itertools import pairwise

import pytest

from bot import paths
from bot.bank import Bank
from bot.bank.loader import load_bank
from bot.bank.model import serves
from bot.core import messages
from bot.core.app import Core
from bot.core.ports import Store, UnitOfWork
from bot.core.requests import User
from bot.core.tips import pick_tip, rotation, scope
from tests.conftest import Chat, FakeClock

ONLY_EXPERIENCED_SKILL = "scala"  # every one of its tips is tagged experienced only
STEP_LEVELS = {"foundation": "[aspiring]", "apply": "[aspiring, early]", "deployment": "[early]"}


def _tip_levels(n: int, skills: str) -> str | None:
    if ONLY_EXPERIENCED_SKILL in skills:
        return "[experienced]"
    return {0: "[experienced]", 1: "[aspiring, early]"}.get(n % 3)


@pytest.fixture(scope="module")
def levelled_bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    target = tmp_path_factory.mktemp("bank") / "tips"
    shutil.copytree(paths.tips_dir(), target)
    for name in ("tips.yaml", "skills.yaml", "roadmap.yaml"):  # the shipped tags go: this
        path = target / name  # test tags by its own fixed rule
        path.write_text(re.sub(r"(?m)^    levels: .*\n", "", path.read_text()))
    tips = (target / "tips.yaml").read_text()
    blocks = re.split(r"(?m)^(?=  - id: t\d+\n)", tips)
    out = []
    for block in blocks:
        m = re.match(r"  - id: t(\d+)\n", block)
        skills = re.search(r"(?m)^    skills: (.*)$", block)
        levels = _tip_levels(int(m.group(1)), skills.group(1)) if m and skills else None
        if m and levels:
            block = block.replace(m.group(0), f"{m.group(0)}    levels: {levels}\n", 1)
        out.append(block)
    (target / "tips.yaml").write_text("".join(out))
    skills = (target / "skills.yaml").read_text()
    head = f"  - id: {ONLY_EXPERIENCED_SKILL}\n"
    (target / "skills.yaml").write_text(skills.replace(head, f"{head}    levels: [experienced]\n"))
    roadmap = (target / "roadmap.yaml").read_text()
    for step, levels in STEP_LEVELS.items():
        head = f"  - id: {step}\n"
        roadmap = roadmap.replace(head, f"{head}    levels: {levels}\n", 1)
    (target / "roadmap.yaml").write_text(roadmap)
    bank = load_bank(target)
    assert sum(1 for t in bank.tips.values() if t.levels == ("experienced",)) > 40
    assert [s.id for s in bank.steps if s.levels] == ["foundation", "deployment", "apply"]
    return bank


@pytest.fixture
def lcore(levelled_bank: Bank, store: Store, clock: FakeClock) -> Core:
    return Core(levelled_bank, store, clock=clock)


def _chat(core: Core, name: str) -> Chat:
    return Chat(core, User("console", "local", name, name.title()))


async def _tip_ids(chat: Chat, n: int, command: str = "tip") -> list[str]:
    ids = []
    for _ in range(n):
        reply = await chat(command)
        assert reply.kind == "tip", reply
        ids.append(reply.footer.split(" ")[0])
    return ids


def _for_level(bank: Bank, level: str) -> list[str]:
    return [t.id for t in bank.tips.values() if serves(t.levels, level)]


async def test_an_aspiring_user_never_gets_a_tip_only_for_experienced(
    lcore: Core, levelled_bank: Bank
) -> None:
    chat = _chat(lcore, "amy")
    reply = await chat("level aspiring")
    assert reply.title == "Level: aspiring (on the way to a first ML job)"
    mine = _for_level(levelled_bank, "aspiring")
    ids = await _tip_ids(chat, len(mine) + 5)  # a whole round, and into the next
    tips = [levelled_bank.tips[i] for i in ids]
    assert all(serves(t.levels, "aspiring") for t in tips)
    assert set(ids[: len(mine)]) == set(mine)  # every tip of the level once per round
    # the rotation's guarantee holds within the level
    assert not [(a.id, b.id) for a, b in pairwise(tips[:30]) if set(a.skills) & set(b.skills)]
    last = await chat("tip")
    assert last.footer.endswith(f"of {len(mine)} tips seen")
    # back to every level: an experienced-only tip comes
    await chat("level all")
    more = [levelled_bank.tips[i] for i in await _tip_ids(chat, 20)]
    assert any(t.levels == ("experienced",) for t in more)


async def test_an_experienced_user_gets_their_tips_and_untagged_ones(
    lcore: Core, levelled_bank: Bank
) -> None:
    chat = _chat(lcore, "eve")
    await chat("level experienced")
    ids = await _tip_ids(chat, 40)
    assert not [i for i in ids if not serves(levelled_bank.tips[i].levels, "experienced")]
    assert any(not levelled_bank.tips[i].levels for i in ids)


async def test_the_daily_pick_follows_the_level_and_stays_per_user(
    lcore: Core, levelled_bank: Bank, store: Store, clock: FakeClock
) -> None:
    """The daily tip's pick (``pick_tip`` with the subscriber, as the ledger calls it)."""

    def walk(tx: UnitOfWork, user_id: str) -> Iterator[str]:
        pk = tx.users.user("console", "local", user_id, "", clock.now).pk
        tx.users.set_level(pk, "aspiring")
        for _ in range(25):
            pick = pick_tip(tx, levelled_bank, user_pk=pk, level=tx.users.level(pk))
            assert pick.tip is not None
            tx.tips.record_view(pk, pick.tip.id, clock.now)
            yield pick.tip.id

    first = await store.run(lambda tx: list(walk(tx, "d1")))
    assert all(serves(levelled_bank.tips[i].levels, "aspiring") for i in first)
    tips = [levelled_bank.tips[i] for i in first]
    assert not [(a.id, b.id) for a, b in pairwise(tips) if set(a.skills) & set(b.skills)]
    other = await store.run(lambda tx: list(walk(tx, "d2")))
    assert other != first  # another user starts elsewhere
    assert rotation(levelled_bank, None, "aspiring") == rotation(levelled_bank, None, "aspiring")


async def test_a_scope_with_nothing_for_the_level_falls_back_to_all_its_tips(
    lcore: Core, levelled_bank: Bank
) -> None:
    chat = _chat(lcore, "amy")
    await chat("level aspiring")
    scala = levelled_bank.tips_for(ONLY_EXPERIENCED_SKILL)
    assert scala and all(t.levels == ("experienced",) for t in scala)
    ids = await _tip_ids(chat, len(scala), f"tip {ONLY_EXPERIENCED_SKILL}")
    assert sorted(ids) == sorted(t.id for t in scala)  # not a dead end
    card = await chat(f"skill {ONLY_EXPERIENCED_SKILL}")
    assert card.kind == "skill"  # look-ups still find every card, whatever its level
    assert (messages.CARD_LEVELS, "experienced") in [(f.name, f.value) for f in card.fields]
    untagged = await chat("skill python")
    assert messages.CARD_LEVELS not in [f.name for f in untagged.fields]


async def test_a_skills_tips_follow_the_level(lcore: Core, levelled_bank: Bank) -> None:
    chat = _chat(lcore, "amy")
    await chat("level aspiring")
    skill = next(
        s
        for s in levelled_bank.skills
        if any(serves(t.levels, "aspiring") for t in levelled_bank.tips_for(s))
        and any(not serves(t.levels, "aspiring") for t in levelled_bank.tips_for(s))
    )
    mine = [t.id for t in levelled_bank.tips_for(skill) if serves(t.levels, "aspiring")]
    ids = await _tip_ids(chat, len(mine), f"tip {skill}")
    assert sorted(ids) == sorted(mine)


async def test_level_shows_refuses_bad_values_and_changes_nothing(lcore: Core) -> None:
    chat = _chat(lcore, "amy")
    shown = await chat("level")
    assert shown.title == "Level: all levels"
    bad = await chat("level guru")
    assert bad.kind == "error"
    assert "aspiring, early, experienced, all" in (bad.body or "")
    assert (await chat("level")).title == "Level: all levels"
    await chat("level Early")
    assert (await chat("level")).title == "Level: early-career"
    again = await chat("level early")
    assert again.title == messages.LEVEL_SAME.format(label="early-career")
    data = await chat("export")
    assert data.attachment is not None and '"level": "early"' in data.attachment.content


async def test_progress_and_roadmap_say_the_level(lcore: Core, levelled_bank: Bank) -> None:
    chat = _chat(lcore, "amy")
    progress = await chat("progress")
    assert ("Level", "all levels") in [(f.name, f.value) for f in progress.fields]
    roadmap = await chat("roadmap")
    assert "Level: all levels" in (roadmap.body or "")
    assert all(" · for " not in f.name for f in roadmap.fields)  # all levels: no marks

    await chat("level experienced")
    progress = await chat("progress")
    assert ("Level", "experienced") in [(f.name, f.value) for f in progress.fields]
    roadmap = await chat("roadmap")
    assert "Level: experienced" in (roadmap.body or "")
    names = [f.name for f in roadmap.fields]
    assert len(names) == len(levelled_bank.steps)  # every step, with its own number
    assert names[0] == "⬜ 1. Build an educational foundation · for aspiring"
    assert names[7].startswith("⬜ 8. ") and names[7].endswith(" · for early-career")
    assert names[9].endswith(" · for aspiring, early-career")
    assert " · for " not in names[1]
    # the next step offered is the first one for the level; numbers still mean the same
    assert roadmap.buttons[0].command == "roadmap done 2"
    done = await chat("roadmap done 1")
    assert "Build an educational foundation" in done.title


async def test_progress_counts_the_tips_read_of_the_users_level(
    lcore: Core, levelled_bank: Bank
) -> None:
    chat = _chat(lcore, "tia")
    await chat("level aspiring")
    footer = (await chat("tip")).footer or ""  # "tNNN · 1 of M tips seen"
    total = len(scope(levelled_bank, None, "aspiring"))
    assert f"1 of {total} tips seen" in footer and total < len(levelled_bank.tips)
    read = dict((f.name, f.value) for f in (await chat("progress")).fields)["Tips read"]
    assert read.endswith(f" · 1/{total}")  # the same count as the tip's footer

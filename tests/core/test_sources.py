"""Sources that read well (issue 15 item 5): one short source line under a tip or card,
the quote one step away behind a Source button (``source <id>``), answered privately."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.bank import Bank
from bot.core.app import Core
from bot.core.cards import delivery_card
from bot.core.ports import Store
from bot.core.records import SubRow
from bot.core.requests import User
from tests.conftest import Chat, FakeClock

GUIDE = "002_63d6ce0e2ea2ab34.txt"  # the plain-text seed: a short title, no URL


@pytest.fixture
def ada(real_bank: Bank, store: Store, clock: FakeClock) -> Chat:
    return Chat(Core(real_bank, store, clock=clock), User("console", "local", "ada", "Ada"))


def _source_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Source" in line and "[Source]" not in line]


async def test_a_tip_shows_one_short_source_line_and_no_quote(ada: Chat, real_bank: Bank) -> None:
    reply = await ada("tip")
    tip = real_bank.tips[reply.footer.split(" ")[0]]
    text = reply.plain_text()
    title = real_bank.doc_title(tip.source.doc)
    url = real_bank.docs[tip.source.doc].url
    assert _source_lines(text) == [f"Source: {title}" + (f" <{url}>" if url else "")]
    assert len(title) <= 60
    assert tip.source.quote not in text  # the paragraph is gone from the card
    assert ("Source", f"source {tip.id}") in [(b.label, b.command) for b in reply.buttons]


async def test_the_source_button_answers_with_the_quote_privately(
    ada: Chat, real_bank: Bank
) -> None:
    card = await ada("tip")
    tip_id = card.footer.split(" ")[0]
    tip = real_bank.tips[tip_id]
    reply = await ada(f"source {tip_id}", via_button=True)
    assert reply.ok and reply.ephemeral and not reply.replace  # a new private message
    assert reply.title == f"Where {tip_id} comes from"
    assert reply.body == f"“{tip.source.quote}”"
    [doc] = reply.fields
    info = real_bank.docs[tip.source.doc]
    assert doc.value == (f"{info.title}\n{info.url}" if info.url else info.title)
    # typed in the console (or 'say'), the same answer
    assert (await ada(f"source {tip_id.upper()}")).body == reply.body


async def test_document_002_has_its_short_title(ada: Chat, real_bank: Bank) -> None:
    tip = next(t for t in real_bank.tips.values() if t.source.doc == GUIDE)
    reply = await ada(f"source {tip.id}")
    assert reply.fields[0].value == "A guide to becoming an ML engineer in 2025"
    assert "revolutionizing" not in reply.plain_text()


async def test_skill_and_role_cards_have_the_line_and_the_button(
    ada: Chat, real_bank: Bank
) -> None:
    skill = await ada("skill pytorch")
    assert skill.source is not None and _source_lines(skill.plain_text()) == [
        f"Source: {skill.source.title}" + (f" <{skill.source.url}>" if skill.source.url else "")
    ]
    assert "source pytorch" in [b.command for b in skill.buttons]
    quote = await ada("source pytorch")
    assert quote.title == "Where PyTorch comes from"
    assert quote.body == f"“{real_bank.skills['pytorch'].source.quote}”"
    role_id = next(iter(real_bank.roles))
    role = await ada(f"role {role_id}")
    assert f"source {role_id}" in [b.command for b in role.buttons]
    assert (await ada(f"source {role_id}")).body == f"“{real_bank.roles[role_id].source.quote}”"


async def test_an_unknown_id_gets_a_short_message(ada: Chat) -> None:
    reply = await ada("source t999")
    assert not reply.ok
    assert reply.body == "No tip, skill or role matches 't999'."
    assert not (await ada("source")).ok  # the id is required


async def test_shared_daily_and_saved_tips_keep_the_button(ada: Chat, real_bank: Bank) -> None:
    tip = next(iter(real_bank.tips.values()))
    shared = await ada(f"share {tip.id}")
    assert [b.command for b in shared.buttons] == ["tip", f"source {tip.id}"]
    dm = SubRow(
        1, 1, "slack", "T1", None, 1, 420, "UTC", 127, "active", None, 0, "", 0, "", "U1", ""
    )
    for sub in (dm, replace(dm, user_pk=None, channel_id="C1")):  # a DM, a channel's post
        card = delivery_card(real_bank, sub, tip, missed=0, saved=False)
        assert f"source {tip.id}" in [b.command for b in card.buttons]
        assert _source_lines(card.plain_text())[0].startswith("Source: ")
        assert tip.source.quote not in card.plain_text()
    await ada(f"save {tip.id}")
    saved = await ada("saved")
    [field] = saved.fields
    title = real_bank.doc_title(tip.source.doc)
    assert field.value == f"{tip.text}\n📄 Source: {title}"
    assert f"source {tip.id}" in [b.command for b in saved.buttons]

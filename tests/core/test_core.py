"""Core behaviour through ``Core.respond``, on a real SQLite file and the fixed test bank."""

from __future__ import annotations

import json

from bot.bank import Bank
from bot.core.app import Core
from tests.conftest import Chat, FakeClock


def _tip_id(reply_footer: str) -> str:
    return reply_footer.split(" ")[0]


async def test_help_lists_every_user_facing_command(alice: Chat, core: Core) -> None:
    reply = await alice("help")
    text = reply.plain_text()
    for cmd in core.commands():
        if not cmd.button_only and not cmd.admin:
            assert f"`{cmd.usage}`" in text


async def test_help_for_one_command(alice: Chat) -> None:
    daily = await alice("help roadmap done")
    assert daily.title == "Usage: roadmap done <n>" and "the step number" in daily.fields[0].value
    typo = await alice("help progres")
    assert not typo.ok and "Did you mean: progress" in typo.body
    hidden = await alice("help save")  # button-only commands are not advertised
    assert not hidden.ok


async def test_tips_do_not_repeat_until_all_seen(alice: Chat, fixture_bank: Bank) -> None:
    total = len(fixture_bank.tips)
    seen = [_tip_id((await alice("tip")).footer) for _ in range(total)]
    assert sorted(seen) == sorted(fixture_bank.tips)
    again = await alice("tip")
    assert _tip_id(again.footer) in fixture_bank.tips
    assert any("starting the round again" in n for n in again.notices)


async def test_tip_carries_source_and_buttons(alice: Chat, fixture_bank: Bank) -> None:
    reply = await alice("tip")
    tip = fixture_bank.tips[_tip_id(reply.footer)]
    assert reply.body == tip.text
    assert reply.source is not None and reply.source.quote == tip.source.quote
    assert reply.source.url and reply.source.url.startswith("https://")
    labels = [b.label for b in reply.buttons]
    assert labels[:4] == ["Next", "Helpful", "Not helpful", "Save"]
    assert f"save {tip.id}" in [b.command for b in reply.buttons]


async def test_tip_for_a_skill_and_learning_skills_first(alice: Chat) -> None:
    for _ in range(2):
        reply = await alice("tip rust")
        assert reply.title == "Tip · Rust"
    await alice("learn kubernetes")
    assert (await alice("tip")).title == "Tip · Kubernetes"


async def test_not_helpful_tips_are_not_shown_again(alice: Chat, fixture_bank: Bank) -> None:
    assert (await alice("rate t003 down")).ok
    assert (await alice("rate t005 down")).ok
    reply = await alice("tip rust")
    assert "not helpful" in reply.body
    shown = {_tip_id((await alice("tip")).footer) for _ in range(len(fixture_bank.tips) * 2)}
    assert not shown & {"t003", "t005"}


async def test_skill_card_tolerates_typos_and_aliases(alice: Chat) -> None:
    for query in ("pytroch", "torch", "Py Torch", "PYTORCH"):
        reply = await alice(f"skill {query}")
        assert reply.ok and reply.title.startswith("PyTorch"), query
    card = await alice("skill k8s")
    assert card.title.startswith("Kubernetes")
    assert [b.label for b in card.buttons][:2] == ["Learn", "Done"]


async def test_unknown_skill_is_a_not_found_with_suggestions(alice: Chat) -> None:
    reply = await alice("skill rusty nails")
    assert not reply.ok
    assert "No skill matches 'rusty nails'" in reply.body and "Did you mean: Rust" in reply.body
    nothing = await alice("skill zzzzqqq")
    assert not nothing.ok and "Try 'skills'" in nothing.body
    tip = await alice("save t999")
    assert not tip.ok and tip.body == "No tip matches 't999'."
    category = await alice("skills langauges")
    assert "Did you mean: language?" in category.body


async def test_learn_done_drop_are_per_user(alice: Chat, bob: Chat) -> None:
    await alice("learn rust")
    assert "Rust" in (await alice("progress")).fields[0].value
    assert "Rust" not in (await bob("progress")).fields[0].value
    await alice("done rust")
    progress = await alice("progress")
    assert "Rust" not in progress.fields[0].value and "Rust" in progress.fields[1].value
    assert (await alice("done rust")).title == "Rust is already marked done."
    await alice("drop rust")
    assert "Rust" not in (await alice("progress")).fields[1].value


async def test_roadmap_marks_and_range(alice: Chat) -> None:
    assert (await alice("roadmap done 2")).ok
    reply = await alice("roadmap")
    assert reply.fields[1].name.startswith("✅ 2.")
    assert reply.fields[0].name.startswith("⬜ 1.")
    bad = await alice("roadmap done 9")
    assert not bad.ok and "1 to 3" in bad.body
    assert "already checked" in (await alice("roadmap done 2")).title
    await alice("roadmap undo 2")
    assert (await alice("roadmap")).fields[1].name.startswith("⬜")
    assert "was not checked" in (await alice("roadmap undo 2")).title


async def test_role_coverage_follows_done_skills(alice: Chat) -> None:
    await alice("done python")
    reply = await alice("role mle")
    assert reply.title == "Machine Learning Engineer"
    assert "33%" in reply.fields[0].value
    assert "✅ Python" in reply.fields[1].value


async def test_save_saved_and_export_forget(alice: Chat, bob: Chat) -> None:
    await alice("save t002")
    saved = await alice("saved")
    assert saved.fields[0].name.startswith("t002")
    await alice("learn rust")
    await bob("learn python")
    exported = await alice("export")
    assert exported.attachment is not None
    data = json.loads(exported.attachment.content)
    assert data["user"]["user_id"] == "alice"
    assert [s["skill_id"] for s in data["skills"]] == ["rust"]
    assert data["tip_marks"][0]["tip_id"] == "t002"
    assert "forget confirm" in (await alice("forget")).body
    assert (await alice("saved")).fields  # nothing deleted without confirm
    assert (await alice("forget confirm")).ok
    after = json.loads((await alice("export")).attachment.content)
    assert after["skills"] == [] and after["tip_marks"] == []
    assert "Python" in (await bob("progress")).fields[0].value


async def test_streaks_count_local_days(alice: Chat, clock: FakeClock) -> None:
    for _ in range(3):
        await alice("tip")
        clock.advance(days=1)
    reply = await alice("progress")
    streak = next(f for f in reply.fields if f.name == "Streak")
    assert "3 day(s) · best 3" in streak.value
    clock.advance(days=2)
    await alice("tip")
    streak = next(f for f in (await alice("progress")).fields if f.name == "Streak")
    assert "1 day(s) · best 3" in streak.value


async def test_unexpected_failure_is_an_apology_not_a_traceback(alice: Chat, core: Core) -> None:
    await core.store.close()  # the database is gone mid-flight
    reply = await alice("progress")
    assert not reply.ok
    assert "went wrong" in reply.body and "Traceback" not in reply.body


async def test_channel_references_cannot_be_forged_from_outside(core: Core) -> None:
    """The core writes a channel as a reference (bot.core.refs) that platforms turn into
    a mention. What comes from outside — command text, a display name from the
    platform — never carries the reference's marker into a reply."""
    from bot.core import refs
    from bot.core.replies import Reply
    from bot.core.requests import Request, User

    forged = f"{refs.MARK}#C0GENERAL{refs.MARK}"
    tip_id = next(iter(core.bank.tips))
    mallory = User("slack", "T1", "U666", f"Mallory {forged}")
    shared = await core.respond(Request(mallory, f"share {tip_id}", via_button=True))
    assert shared.ok and "Mallory" in shared.footer
    echoed = await core.respond(Request(mallory, f"skill {forged}"))
    assert not echoed.ok and "C0GENERAL" in echoed.body
    for reply in (shared, echoed):
        assert refs.MARK not in reply.to_json()
        assert "<#C0GENERAL>" not in refs.render(reply.plain_text(refs.channel), "<#{}>".format)
    # what the core itself refers to is a reference
    admin = User("slack", "T1", "U1", "Ada")
    daily = await core.respond(Request(admin, "admin daily #C0GENERAL 09:00 UTC", is_admin=True))
    assert refs.channel("C0GENERAL") in daily.title
    assert refs.render(daily.title, "<#{}>".format).startswith("Daily tip for <#C0GENERAL>:")
    assert Reply(title=daily.title).plain_text() == "Daily tip for #C0GENERAL: 09:00 UTC, every day"

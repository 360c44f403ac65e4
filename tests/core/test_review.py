"""The review command and its buttons, through Core.respond on both backends."""

from __future__ import annotations

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import UnitOfWork
from bot.core.records import ReviewRow
from bot.core.replies import Reply
from tests.conftest import Chat, FakeClock


async def states(core: Core, who: str = "alice") -> dict[str, ReviewRow]:
    def read(tx: UnitOfWork) -> dict[str, ReviewRow]:
        pk = tx.users.find_user("console", "local", who)
        return {} if pk is None else {r.tip_id: r for r in tx.tips.reviews(pk)}

    return await core.store.run(read)


def commands(reply: Reply) -> list[str]:
    return [b.command for b in reply.buttons]


async def click(chat: Chat, command: str) -> Reply:
    return await chat(command, via_button=True)


async def test_nothing_to_review_says_how_to_get_reviewable_tips(alice: Chat) -> None:
    reply = await alice("review")
    assert reply.ok and "Save a tip, or vote it Helpful" in reply.body
    assert "SM-2 simplified" in reply.fields[0].name and "× ease" in reply.fields[0].value


async def test_a_saved_tip_comes_back_a_day_later_and_answers_set_the_interval(
    alice: Chat, core: Core, clock: FakeClock, fixture_bank: Bank
) -> None:
    assert (await alice("save t001")).ok
    waiting = await alice("review")
    assert "next review (t001) is due" in waiting.body and "in 1 day" in waiting.body
    assert commands(waiting) == []

    clock.advance(days=1)
    card = await alice("review")
    assert card.kind == "review" and card.body == fixture_bank.tips["t001"].text
    assert commands(card) == ["review answer t001 remembered 0", "review answer t001 not-yet 0"]
    assert [b.label for b in card.buttons] == ["Remembered", "Not yet"]

    answered = await click(alice, "review answer t001 remembered 0")
    assert answered.ok and answered.title == "Remembered t001. Next review in 3 day(s)."
    row = (await states(core))["t001"]
    assert (row.interval, row.ease, row.streak, row.answers, row.remembered) == (3, 260, 1, 1, 1)
    assert row.due_at == int(clock.now.timestamp()) + 3 * 86400

    # the same card clicked again: nothing changes, and it says so
    again = await click(alice, "review answer t001 not-yet 0")
    assert again.ok and "already answered" in again.title
    assert (await states(core))["t001"] == row

    clock.advance(days=3)
    card = await alice("review")
    assert commands(card)[1] == "review answer t001 not-yet 1"
    lapse = await click(alice, "review answer t001 not-yet 1")
    assert "Next review in 1 day(s)" in lapse.title
    row = (await states(core))["t001"]
    assert (row.interval, row.ease, row.streak, row.answers) == (1, 240, 0, 2)


async def test_the_most_overdue_comes_first_and_progress_counts(
    alice: Chat, core: Core, clock: FakeClock
) -> None:
    await click(alice, "rate t002 up")
    clock.advance(hours=2)
    await click(alice, "save t003")
    clock.advance(days=2)
    first = await alice("review")
    assert commands(first)[0] == "review answer t002 remembered 0"
    assert "2 due" in first.footer
    progress = await alice("progress")
    assert {f.name: f.value for f in progress.fields}["Reviews"] == "0 done, 2 due"
    done = await click(alice, "review answer t002 remembered 0")
    assert commands(done) == ["review"]  # one more is due
    progress = await alice("progress")
    assert {f.name: f.value for f in progress.fields}["Reviews"] == "1 done, 1 due"
    assert commands(await alice("review"))[0] == "review answer t003 remembered 0"


async def test_stale_buttons_change_nothing(alice: Chat, core: Core, clock: FakeClock) -> None:
    await click(alice, "save t001")
    early = await click(alice, "review answer t001 remembered 0")  # not due until tomorrow
    assert "not due for review until" in early.title
    clock.advance(days=1)
    await click(alice, "unsave t001")
    gone = await click(alice, "review answer t001 remembered 0")
    assert "no longer in your reviews" in gone.title
    assert (await states(core))["t001"].answers == 0
    nothing = await alice("review")
    assert "Save a tip" in nothing.body  # not saved, not helpful: not reviewable
    await click(alice, "rate t001 up")  # reviewable again, keeping its schedule
    assert commands(await alice("review"))[0] == "review answer t001 remembered 0"
    await click(alice, "rate t001 down")
    assert "no longer" in (await click(alice, "review answer t001 remembered 0")).title


async def test_bad_answers_get_a_short_message(alice: Chat, core: Core) -> None:
    await click(alice, "save t001")
    for text, words in [
        ("review answer t999 remembered 0", "t999"),
        ("review answer t001 maybe 0", "remembered, not-yet"),
        ("review answer t001 remembered -1", "between"),
        ("review answer t001", "needs <answer>"),
    ]:
        reply = await click(alice, text)
        assert not reply.ok and words in reply.body, (text, reply.body)
    assert (await states(core))["t001"].answers == 0


async def test_help_lists_review_but_not_its_buttons(alice: Chat) -> None:
    text = (await alice("help")).plain_text()
    assert "`review` — " in text and "SM-2" in text
    assert "review answer" not in text


async def test_one_users_reviews_are_their_own(alice: Chat, bob: Chat, clock: FakeClock) -> None:
    await click(alice, "save t001")
    clock.advance(days=1)
    assert "Save a tip" in (await bob("review")).body
    theirs = await click(bob, "review answer t001 remembered 0")
    assert "no longer in your reviews" in theirs.title

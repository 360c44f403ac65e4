"""A due review on the daily tip: at most every 3 days, fixed at claim, resent identically.

The scheduler's own logic with the Messenger double, on both backends; the real
slack-bolt and discord.py clients against the fakes are in test_e2e_review.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bank import Bank
from bot.core.app import Core
from bot.core.ports import UnitOfWork
from bot.core.records import ReviewRow
from bot.core.replies import Reply
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.delivery.doubles import Recorder, tick_until_crash
from tests.delivery.test_scheduler import Env


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def replies(clock: FakeClock) -> Recorder:
    return Recorder(clock=clock)


def review_of(card: Reply) -> str | None:
    """The tip id of the review a daily card carries (from its buttons), or None."""
    found = [b.command.split()[2] for b in card.buttons if b.command.startswith("review answer")]
    assert len(found) in (0, 2), found
    return found[0] if found else None


async def reviews(core: Core, user: str = "U1") -> dict[str, ReviewRow]:
    def read(tx: UnitOfWork) -> dict[str, ReviewRow]:
        pk = tx.users.find_user("slack", "T1", user)
        return {} if pk is None else {r.tip_id: r for r in tx.tips.reviews(pk)}

    return await core.store.run(read)


# clock fixture: Monday 2 March 2026, 09:00 UTC


async def test_a_due_review_rides_on_the_daily_tip_at_most_every_three_days(
    core: Core, clock: FakeClock, replies: Recorder
) -> None:
    env = Env(core, clock, replies)
    assert (await env.say("save t001", via_button=True)).ok  # due Tue 09:00
    assert (await env.say("save t002", via_button=True)).ok
    assert (await env.say("daily 10:00 UTC")).ok
    carried: dict[str, str | None] = {}
    for day in range(2, 10):
        await env.at(utc(2026, 3, day, 10))
        card = replies.sent[-1].reply
        carried[f"03-{day:02d}"] = review_of(card)
    assert [d for d, tip in carried.items() if tip] == ["03-03", "03-06", "03-09"]
    assert {carried["03-03"], carried["03-06"]} <= {"t001", "t002"}

    card = next(s.reply for s in replies.sent if s.key == "d1-20260303")
    tip = carried["03-03"]
    section = card.fields[-1]
    assert section.name.startswith(f"🔁 Review {tip}") and section.value
    assert [b.command for b in card.buttons][-2:] == [
        f"review answer {tip} remembered 0",
        f"review answer {tip} not-yet 0",
    ]
    assert [b.command for b in card.buttons][:1] == ["tip"]  # the tip's own buttons first
    # the review tip is never the day's tip itself
    assert all(review_of(s.reply) != s.reply.footer.split()[0] for s in replies.sent)
    assert await env.ledger() == {f"2026-03-{d:02d}": "sent" for d in range(2, 10)}


async def test_no_review_without_reviewable_tips_and_none_for_unsaved_ones(
    core: Core, clock: FakeClock, replies: Recorder
) -> None:
    env = Env(core, clock, replies)
    await env.say("save t001", via_button=True)
    await env.say("unsave t001", via_button=True)
    await env.say("rate t002 down", via_button=True)
    await env.say("daily 10:00 UTC")
    for day in range(2, 6):
        await env.at(utc(2026, 3, day, 10))
    assert len(replies.sent) == 4
    assert [review_of(s.reply) for s in replies.sent] == [None] * 4


async def test_a_crash_after_sending_resends_the_identical_card_once_and_its_buttons_work(
    db_location: str, fixture_bank: Bank, clock: FakeClock, replies: Recorder
) -> None:
    store = await open_store(db_location)
    env = Env(Core(fixture_bank, store, clock=clock), clock, replies)
    await env.say("save t001", via_button=True)
    await env.say("rate t003 up", via_button=True)
    assert (await env.say("daily 10:00 UTC")).ok
    await env.at(utc(2026, 3, 2, 10))  # Monday: nothing due yet
    replies.crash_after_send = 1
    clock.now = utc(2026, 3, 3, 10)
    await tick_until_crash(env.scheduler)
    first = replies.tried[-1]
    tip = review_of(first)
    assert tip in ("t001", "t003")
    assert await env.ledger() == {"2026-03-02": "sent", "2026-03-03": "pending"}
    await store.close()

    # Restart on the same database a minute later. Picking again would now carry no
    # review (one was carried today): the resend must carry the card fixed at claim.
    clock.advance(minutes=1)
    store2 = await open_store(db_location)
    try:
        env2 = Env(Core(fixture_bank, store2, clock=clock), clock, replies)
        before = await reviews(env2.core)
        stats = await env2.scheduler.tick()
        assert stats.sent == 1
        assert replies.tried[-1] == first  # the identical card ...
        assert replies.resends == ["d1-20260303"]
        assert len(replies.to("U1")) == 2  # ... delivered once (Monday's and this one)
        assert await env2.ledger() == {"2026-03-02": "sent", "2026-03-03": "sent"}
        assert await reviews(env2.core) == before  # the resend picked nothing again

        # the card's buttons, clicked in the DM
        remembered = next(b.command for b in first.buttons if "remembered" in b.command)
        answered = await env2.say(remembered, via_button=True)
        assert answered.title == f"Remembered {tip}. Next review in 3 day(s)."
        again = await env2.say(remembered, via_button=True)
        assert "already answered" in again.title
        row = (await reviews(env2.core))[tip]
        assert (row.answers, row.interval, row.carried_on) == (1, 3, "2026-03-03")
    finally:
        await store2.close()


async def test_a_channel_post_never_carries_its_admins_reviews(
    core: Core, clock: FakeClock, replies: Recorder
) -> None:
    env = Env(core, clock, replies)
    await env.say("save t001", user="U9", via_button=True)
    await env.say("daily 10:00 UTC", user="U9")
    reply = await env.say("admin daily <#C0GEN|general> 10:00 UTC", user="U9", is_admin=True)
    assert reply.ok
    await env.at(utc(2026, 3, 3, 10))
    cards = {s.where: s.reply for s in replies.sent}
    assert set(cards) == {"dm:U9", "channel:C0GEN"}
    assert review_of(cards["dm:U9"]) == "t001"  # the admin's own DM carries it ...
    assert review_of(cards["channel:C0GEN"]) is None  # ... the channel's post does not
    assert all(not f.name.startswith("🔁") for f in cards["channel:C0GEN"].fields)

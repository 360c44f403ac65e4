"""Quiet days in the ledger (issue 14): a skipped day gets a 'quiet' row and no tip, an
away day an 'away' row; neither is sent nor missed, and the next real delivery goes out.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.app import Core
from bot.core.ports import AwayResult, Presence
from bot.core.requests import User
from tests.conftest import FakeClock
from tests.delivery.doubles import Recorder
from tests.delivery.test_scheduler import Env


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class AwayRecorder(Recorder):
    """A messenger that can tell whether a user is away (an AwayProbe)."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock=clock)
        self.away_users: set[str] = set()
        self.asked: list[str] = []

    async def away(self, user: User) -> AwayResult:
        self.asked.append(user.user_id)
        if user.user_id in self.away_users:
            return AwayResult(Presence.AWAY, ":palm_tree:")
        return AwayResult(Presence.HERE)


@pytest.fixture
def recorder(clock: FakeClock) -> Recorder:
    return Recorder(clock=clock)


@pytest.fixture
def env(core: Core, clock: FakeClock, recorder: Recorder) -> Env:
    return Env(core, clock, recorder)


# clock fixture: Monday 2 March 2026, 09:00 UTC


async def test_a_skipped_day_is_quiet_in_the_ledger_and_nothing_is_sent(
    env: Env, recorder: Recorder
) -> None:
    assert (await env.say("daily 07:30 Europe/Berlin")).ok
    assert (await env.say("daily skip 2026-03-03")).ok
    nxt = await env.say("next")
    assert "Wed 4 Mar 2026, 07:30 (Europe/Berlin)" in nxt.body  # the next real delivery
    stats = await env.at(utc(2026, 3, 3, 6, 30))
    assert stats.sent == 0 and stats.skipped == 0
    assert recorder.calls == []
    assert await env.ledger() == {"2026-03-03": "quiet"}
    sub = await env.sub()
    assert sub is not None and sub.missed == 0  # not a missed tip
    assert (await env.at(utc(2026, 3, 4, 6, 30))).sent == 1
    assert await env.ledger() == {"2026-03-03": "quiet", "2026-03-04": "sent"}
    # the missed-tips notice does not mention the quiet day
    assert "missed" not in recorder.sent[0].reply.plain_text().lower()


async def test_quiet_weekends_and_catch_up_after_downtime(env: Env, recorder: Recorder) -> None:
    assert (await env.say("daily 07:30 Europe/Berlin")).ok
    assert (await env.say("daily skip weekends")).ok
    # down from Friday until Monday noon: Sat and Sun are quiet, not missed
    await env.at(utc(2026, 3, 6, 6, 30))
    await env.at(utc(2026, 3, 9, 11, 0))
    ledger = await env.ledger()
    assert ledger["2026-03-07"] == ledger["2026-03-08"] == "quiet"
    assert ledger["2026-03-06"] == ledger["2026-03-09"] == "sent"
    assert [s.key for s in recorder.sent] == ["d1-20260306", "d1-20260309"]


async def test_unskip_before_the_day_sends_it_again(env: Env, recorder: Recorder) -> None:
    assert (await env.say("daily 07:30 Europe/Berlin")).ok
    assert (await env.say("daily skip 2026-03-03")).ok
    assert (await env.say("daily unskip 2026-03-03")).ok
    assert (await env.at(utc(2026, 3, 3, 6, 30))).sent == 1
    assert await env.ledger() == {"2026-03-03": "sent"}


async def test_away_day_is_recorded_and_keeps_the_streak(core: Core, clock: FakeClock) -> None:
    messenger = AwayRecorder(clock)
    env = Env(core, clock, messenger)
    assert (await env.say("daily 07:30 Europe/Berlin")).ok
    assert (await env.say("tip")).ok  # active Monday
    assert (await env.say("settings away-skip on", away_check="ok")).ok
    messenger.away_users.add("U1")
    stats = await env.at(utc(2026, 3, 3, 6, 30))
    assert stats.sent == 0 and messenger.calls == [] and messenger.asked == ["U1"]
    assert await env.ledger() == {"2026-03-03": "away"}
    views = await core.store.run(lambda tx: tx.tips.tip_views(1))
    assert sum(views.values()) == 1  # the away day fixed no tip (only Monday's 'tip')
    messenger.away_users.clear()
    clock.now = utc(2026, 3, 4, 9, 0)
    assert (await env.say("tip")).ok  # Wednesday: Tuesday was away, not a gap
    progress = await env.say("progress")
    assert "🔥 2 day(s)" in next(f.value for f in progress.fields if f.name == "Streak")
    assert (await env.at(utc(2026, 3, 5, 6, 30))).sent == 1
    assert messenger.asked == ["U1", "U1"]

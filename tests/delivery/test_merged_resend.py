"""A daily tip claimed under a tip id that a bank update then merged into another
(``merged:`` in tips.yaml): the resend after a crash goes out as the kept tip, once."""

from __future__ import annotations

from pathlib import Path

from bot.core.app import Core
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.core.test_merged_tips import _banks
from tests.delivery.doubles import Recorder, tick_until_crash
from tests.delivery.test_scheduler import Env, utc


async def test_a_pending_resend_of_a_merged_tip_goes_out_as_the_kept_tip(
    tmp_path: Path, db_location: str, clock: FakeClock
) -> None:
    old_bank, new_bank = _banks(tmp_path)
    recorder = Recorder(clock=clock)
    store = await open_store(db_location)
    env = Env(Core(old_bank, store, clock=clock), clock, recorder)
    for tip_id in old_bank.tips:  # every tip but t031 rated down: the daily tip is t031
        if tip_id != "t031":
            assert (await env.say(f"rate {tip_id} down")).ok
    assert (await env.say("daily 10:00 UTC")).ok
    recorder.crash_after_send = 1
    clock.now = utc(2026, 3, 3, 10)
    await tick_until_crash(env.scheduler)
    [first] = recorder.sent
    assert "t031" in (first.reply.footer or "")
    await store.close()

    clock.advance(minutes=1)  # the bank was updated meanwhile: t031 merged into t005
    store2 = await open_store(db_location)
    try:
        env2 = Env(Core(new_bank, store2, clock=clock), clock, recorder)
        assert (await env2.scheduler.tick()).sent == 1  # not skipped as "tip gone"
        assert len(recorder.resends) == 1
        assert len(recorder.sent) == 1  # the platform keeps the first message (same key)
    finally:
        await store2.close()

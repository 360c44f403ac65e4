"""Contract: spaced-review states per (user, tip), and the review a ledger row carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports import Store, UnitOfWork
from bot.core.records import ReviewRow
from tests.storage.contract.conftest import Backend, old_sql

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = 86400
T0 = int(NOW.timestamp())


async def user(store: Store, uid: str = "U1") -> int:
    return (await store.run(lambda tx: tx.users.user("slack", "T1", uid, uid, NOW))).pk


def answer(tx: UnitOfWork, pk: int, tip: str, seq: int, remembered: bool = True) -> bool:
    return tx.tips.answer_review(
        pk, tip, seq=seq, remembered=remembered, due_at=T0 + 3 * DAY, interval=3, ease=260,
        streak=1, now=NOW,
    )  # fmt: skip


async def test_a_review_starts_once_and_keeps_its_state(store: Store) -> None:
    pk, other = await user(store), await user(store, "U2")

    def run(tx: UnitOfWork) -> list[ReviewRow]:
        tx.tips.set_saved(pk, "t001", NOW)
        tx.tips.start_review(pk, "t001", T0 + DAY)
        assert answer(tx, pk, "t001", 0)
        tx.tips.start_review(pk, "t001", T0 + 5)  # saved again: the schedule stays
        tx.tips.set_vote(other, "t001", 1)
        tx.tips.start_review(other, "t001", T0 + DAY)
        return tx.tips.reviews(pk)

    rows = await store.run(run)
    assert rows == [
        ReviewRow("t001", T0 + 3 * DAY, 3, 260, 1, 1, 1, None, active=True),
    ]
    theirs = await store.run(lambda tx: tx.tips.reviews(other))
    assert theirs == [ReviewRow("t001", T0 + DAY, 1, 250, 0, 0, 0, None, active=True)]


async def test_an_answer_applies_only_to_the_version_it_was_given_for(store: Store) -> None:
    pk = await user(store)

    def run(tx: UnitOfWork) -> tuple[bool, bool, bool, list[ReviewRow]]:
        tx.tips.set_saved(pk, "t001", NOW)
        tx.tips.start_review(pk, "t001", T0)
        first = answer(tx, pk, "t001", 0, remembered=False)
        again = answer(tx, pk, "t001", 0)  # the same card clicked twice
        unknown = answer(tx, pk, "t009", 0)
        return first, again, unknown, tx.tips.reviews(pk)

    first, again, unknown, rows = await store.run(run)
    assert (first, again, unknown) == (True, False, False)
    assert rows[0].answers == 1 and rows[0].remembered == 0


async def test_reviewable_follows_saved_and_helpful(store: Store) -> None:
    pk = await user(store)

    def run(tx: UnitOfWork) -> dict[str, bool]:
        for tip in ("t001", "t002", "t003", "t004"):
            tx.tips.start_review(pk, tip, T0)
        tx.tips.set_saved(pk, "t001", NOW)  # saved
        tx.tips.set_vote(pk, "t002", 1)  # helpful
        tx.tips.set_saved(pk, "t003", NOW)
        tx.tips.set_saved(pk, "t003", None)  # unsaved again
        tx.tips.set_vote(pk, "t004", 1)
        tx.tips.set_vote(pk, "t004", -1)  # changed their mind
        return {r.tip_id: r.active for r in tx.tips.reviews(pk)}

    assert await store.run(run) == {"t001": True, "t002": True, "t003": False, "t004": False}


async def test_carrying_a_review_is_noted_on_the_state(store: Store) -> None:
    pk = await user(store)

    def run(tx: UnitOfWork) -> list[str | None]:
        tx.tips.start_review(pk, "t001", T0)
        tx.tips.start_review(pk, "t002", T0)
        tx.tips.carry_review(pk, "t002", "2026-03-02")
        return [r.carried_on for r in tx.tips.reviews(pk)]

    assert await store.run(run) == [None, "2026-03-02"]


async def test_a_ledger_row_keeps_the_review_its_card_carries(store: Store) -> None:
    pk = await user(store)

    def run(tx: UnitOfWork) -> tuple[tuple[str, int] | None, tuple[str, int] | None]:
        sub = tx.subscriptions.save_user(
            user_pk=pk, platform="slack", tenant="T1", minute=450, tz="UTC", days=127,
            next_due=T0, next_date="2026-03-02", now=NOW,
        )  # fmt: skip
        assert tx.deliveries.insert(sub, "2026-03-02", T0, "pending", NOW)
        assert tx.deliveries.insert(sub, "2026-03-03", T0 + DAY, "pending", NOW)
        with_review, without = tx.deliveries.pending(T0 + DAY, ["slack"], 10)
        tx.deliveries.claim(with_review.id, "t001", 0, NOW, ("t004", 2))
        tx.deliveries.claim(without.id, "t002", 0, NOW + timedelta(days=1))
        got = tx.deliveries.get(with_review.id)
        assert got is not None and got.tip_id == "t001" and got.attempts == 1
        return tx.deliveries.review_of(with_review.id), tx.deliveries.review_of(without.id)

    assert await store.run(run) == (("t004", 2), None)


async def test_forget_deletes_the_review_states(store: Store) -> None:
    pk = await user(store)
    await store.run(lambda tx: tx.tips.start_review(pk, "t001", T0))
    await store.run(lambda tx: tx.users.forget(pk))
    assert await store.run(lambda tx: tx.tips.reviews(pk)) == []


async def test_the_upgrade_makes_saved_and_helpful_tips_reviewable(backend: Backend) -> None:
    old = await backend.open_old(backend.spaced_review - 1)
    await old.close()
    at = NOW.isoformat()
    [(pk,)] = old_sql(
        backend,
        (
            "INSERT INTO users (platform, tenant, user_id, display_name, created_at)"
            " VALUES ('slack', 'T1', 'U1', 'Ada', ?) RETURNING id",
            (at,),
        ),
    )
    old_sql(
        backend,
        (
            "INSERT INTO tip_marks (user_pk, tip_id, vote, saved_at) VALUES"
            " (?, 't001', 0, ?),"  # due a day after it was saved
            " (?, 't002', 1, NULL),"  # due a day after the upgrade
            " (?, 't003', -1, NULL)",  # not reviewable
            (pk, at, pk, pk),
        ),
        (  # only seen: not reviewable
            "INSERT INTO tip_views (user_pk, tip_id, times, first_seen, last_seen)"
            " VALUES (?, 't004', 1, ?, ?)",
            (pk, at, at),
        ),
    )
    upgraded_at = int(datetime.now(UTC).timestamp())  # the migration reads the clock
    store = await backend.open()
    try:
        done_at = int(datetime.now(UTC).timestamp())
        rows = {r.tip_id: r for r in await store.run(lambda tx: tx.tips.reviews(pk))}
        assert set(rows) == {"t001", "t002"}
        assert rows["t001"].due_at == T0 + DAY
        assert upgraded_at + DAY - 1 <= rows["t002"].due_at <= done_at + DAY + 1
        assert all(r.active and r.answers == 0 and r.ease == 250 for r in rows.values())
        assert await store.integrity_check() == []
    finally:
        await store.close()

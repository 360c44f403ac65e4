"""Contract: skill statuses, roadmap steps, tip views, votes and saved tips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports import Store, UnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def user(store: Store, uid: str = "U1") -> int:
    return (await store.run(lambda tx: tx.users.user("slack", "T1", uid, uid, NOW))).pk


async def test_skill_statuses_set_change_and_clear(store: Store) -> None:
    pk, other = await user(store), await user(store, "U2")

    def change(tx: UnitOfWork) -> dict[str, str]:
        tx.progress.set_skill(pk, "rust", "learning", NOW)
        tx.progress.set_skill(pk, "sql", "learning", NOW)
        tx.progress.set_skill(pk, "rust", "done", NOW)
        tx.progress.set_skill(pk, "sql", None, NOW)
        tx.progress.set_skill(pk, "go", None, NOW)  # clearing an unknown one is fine
        tx.progress.set_skill(other, "sql", "learning", NOW)
        return tx.progress.skill_statuses(pk)

    assert await store.run(change) == {"rust": "done"}
    assert await store.run(lambda tx: tx.progress.skill_statuses(other)) == {"sql": "learning"}


async def test_roadmap_steps_done_and_undone(store: Store) -> None:
    pk = await user(store)

    def steps(tx: UnitOfWork) -> set[str]:
        tx.progress.set_step(pk, "s1", True, NOW)
        tx.progress.set_step(pk, "s1", True, NOW)  # twice: still once
        tx.progress.set_step(pk, "s2", True, NOW)
        tx.progress.set_step(pk, "s2", False, NOW)
        tx.progress.set_step(pk, "s3", False, NOW)
        return tx.progress.roadmap_done(pk)

    assert await store.run(steps) == {"s1"}


async def test_tip_views_count_up(store: Store) -> None:
    pk = await user(store)

    def view(tx: UnitOfWork) -> dict[str, int]:
        for i in range(3):
            tx.tips.record_view(pk, "t001", NOW + timedelta(minutes=i))
        tx.tips.record_view(pk, "t002", NOW)
        return tx.tips.tip_views(pk)

    assert await store.run(view) == {"t001": 3, "t002": 1}
    export = await store.run(lambda tx: tx.users.export(pk))
    seen = {r["tip_id"]: r for r in export["tips_seen"]}
    assert seen["t001"]["first_seen"] < seen["t001"]["last_seen"]


async def test_votes_and_saved_tips_are_independent(store: Store) -> None:
    pk = await user(store)

    def mark(tx: UnitOfWork) -> dict[str, tuple[int, str | None]]:
        tx.tips.set_vote(pk, "t001", 1)
        tx.tips.set_saved(pk, "t001", NOW)
        tx.tips.set_vote(pk, "t001", -1)  # a new vote keeps the saved mark
        tx.tips.set_saved(pk, "t002", NOW)
        tx.tips.set_saved(pk, "t002", None)  # unsave keeps the row's vote (0)
        tx.tips.set_vote(pk, "t003", 1)
        return tx.tips.marks(pk)

    marks = await store.run(mark)
    assert marks["t001"][0] == -1 and marks["t001"][1] is not None
    assert marks["t001"][1].startswith("2026-03-02")
    assert marks["t002"] == (0, None)
    assert marks["t003"] == (1, None)

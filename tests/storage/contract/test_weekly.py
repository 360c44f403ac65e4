"""Contract: the weekly report's storage — subscriptions of two kinds per user, the
week's changes (``Progress.changes``), the time of a vote, export, and the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports import Store, UnitOfWork
from bot.core.records import Changes
from tests.storage.contract.conftest import Backend, old_sql

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK_START = NOW - timedelta(days=6)


def user(tx: UnitOfWork, uid: str = "U1") -> int:
    return tx.users.user("slack", "T1", uid, uid.lower(), NOW).pk


def sub(tx: UnitOfWork, pk: int, kind: str, due: int, minute: int = 450, days: int = 127) -> int:
    return tx.subscriptions.save_user(
        user_pk=pk, platform="slack", tenant="T1", minute=minute, tz="Europe/Berlin",
        days=days, next_due=due, next_date="2026-03-03", now=NOW, kind=kind,
    )  # fmt: skip


async def test_a_user_has_one_daily_and_one_weekly_subscription(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        pk = user(tx)
        daily = sub(tx, pk, "daily", 100)
        weekly = sub(tx, pk, "weekly", 200, minute=960, days=1 << 4)
        assert daily != weekly
        assert sub(tx, pk, "weekly", 300, minute=900, days=1 << 5) == weekly  # replaced
        assert sub(tx, pk, "daily", 150) == daily
        got_daily = tx.subscriptions.of_user(pk)  # the daily one unless told
        got_weekly = tx.subscriptions.of_user(pk, "weekly")
        assert got_daily is not None and got_weekly is not None
        assert (got_daily.id, got_daily.kind, got_daily.next_due) == (daily, "daily", 150)
        assert (got_weekly.id, got_weekly.kind, got_weekly.next_due) == (weekly, "weekly", 300)
        assert (got_weekly.minute, got_weekly.days) == (900, 1 << 5)
        assert tx.subscriptions.get(weekly) == got_weekly
        assert tx.subscriptions.of_user(pk, "daily") == got_daily
        # turning one off leaves the other alone
        tx.subscriptions.set_status(daily, "off", "", NOW)
        still = tx.subscriptions.of_user(pk, "weekly")
        assert still is not None and still.status == "active"
        assert [s.id for s in tx.subscriptions.due(1000, 10)] == [weekly]
        # the ledger keeps one row per (subscription, local date): both on one date
        assert tx.deliveries.insert(daily, "2026-03-06", 1, "pending", NOW)
        assert tx.deliveries.insert(weekly, "2026-03-06", 2, "pending", NOW)
        assert tx.deliveries.states(weekly) == {"2026-03-06": "pending"}
        other = user(tx, "U2")
        assert tx.subscriptions.of_user(other, "weekly") is None
        assert tx.subscriptions.of_channels("slack", "T1") == []

    await store.run(use)


async def test_changes_are_what_happened_inside_the_window(store: Store) -> None:
    before, inside, after = NOW - timedelta(days=8), NOW - timedelta(days=2), NOW + timedelta(1)

    def use(tx: UnitOfWork) -> Changes:
        pk = user(tx)
        other = user(tx, "U2")
        tx.tips.record_view(pk, "t-old", before)
        tx.tips.record_view(pk, "t-seen", inside)
        tx.tips.record_view(pk, "t-again", before)
        tx.tips.record_view(pk, "t-again", inside)  # seen again this week: counts
        tx.tips.record_view(other, "t-other", inside)
        tx.progress.set_skill(pk, "rust", "done", before)
        tx.progress.set_skill(pk, "python", "done", inside)
        tx.progress.set_skill(pk, "pytorch", "learning", NOW)
        tx.progress.set_skill(pk, "docker", "learning", after)
        tx.progress.set_step(pk, "old-step", True, before)
        tx.progress.set_step(pk, "programming", True, inside)
        tx.tips.set_vote(pk, "t-old", 1, before)
        tx.tips.set_vote(pk, "t-first", 1, inside)
        tx.tips.set_vote(pk, "t-last", 1, NOW)
        tx.tips.set_vote(pk, "t-down", -1, NOW)  # not helpful
        tx.tips.set_vote(pk, "t-untimed", 1)  # a vote without a time is never "this week"
        tx.tips.set_vote(other, "t-other", 1, NOW)
        return tx.progress.changes(pk, WEEK_START, NOW)

    got = await store.run(use)
    assert got == Changes(
        tips_seen=("t-again", "t-seen"),
        skills={"python": "done", "pytorch": "learning"},
        steps=("programming",),
        helpful=("t-last", "t-first"),  # the latest vote first
    )
    assert list(got.skills) == ["python", "pytorch"]  # in the order they moved


async def test_a_changed_vote_takes_its_new_time(store: Store) -> None:
    def use(tx: UnitOfWork) -> tuple[Changes, Changes]:
        pk = user(tx)
        tx.tips.set_vote(pk, "t1", 1, NOW - timedelta(days=30))
        old = tx.progress.changes(pk, WEEK_START, NOW)
        tx.tips.set_vote(pk, "t1", -1, NOW - timedelta(days=1))
        tx.tips.set_vote(pk, "t1", 1, NOW)
        tx.tips.set_saved(pk, "t1", NOW)  # saving leaves the vote and its time alone
        assert tx.tips.marks(pk)["t1"][0] == 1
        return old, tx.progress.changes(pk, WEEK_START, NOW)

    old, new = await store.run(use)
    assert old.helpful == () and new.helpful == ("t1",)


async def test_export_has_the_weekly_report_apart_from_the_daily_tip(store: Store) -> None:
    def use(tx: UnitOfWork) -> dict[str, list[dict[str, object]]]:
        pk = user(tx)
        daily = sub(tx, pk, "daily", 100)
        weekly = sub(tx, pk, "weekly", 200, minute=960, days=1 << 4)
        tx.deliveries.insert(daily, "2026-03-03", 1, "sent", NOW)
        tx.deliveries.insert(weekly, "2026-03-06", 2, "sent", NOW)
        return tx.users.export(pk)

    data = await store.run(use)
    assert [(d["minute"], d["days"]) for d in data["daily"]] == [(450, 127)]
    assert [(w["minute"], w["days"]) for w in data["weekly"]] == [(960, 16)]
    assert [d["local_date"] for d in data["daily_deliveries"]] == ["2026-03-03"]
    assert [d["local_date"] for d in data["weekly_deliveries"]] == ["2026-03-06"]


async def test_upgrade_makes_every_subscription_a_daily_one(backend: Backend) -> None:
    old = await backend.open_old(backend.weekly - 1)
    await old.close()
    [(pk,)] = old_sql(
        backend,
        "INSERT INTO users (platform, tenant, user_id, display_name, created_at)"
        " VALUES ('slack', 'T1', 'U1', 'u1', 'x') RETURNING id",
    )
    old_sql(  # the only user is ``pk``
        backend,
        "INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,"
        " next_due, next_date, created_at, updated_at) SELECT id, 'slack', 'T1', 450,"
        " 'UTC', 127, 'active', 100, '2026-03-03', 'x', 'x' FROM users",
        "INSERT INTO tip_marks (user_pk, tip_id, vote) SELECT id, 't1', 1 FROM users",
    )
    store = await backend.open()
    try:

        def after(tx: UnitOfWork) -> None:
            daily = tx.subscriptions.of_user(pk)
            assert daily is not None and (daily.kind, daily.next_due) == ("daily", 100)
            assert tx.subscriptions.of_user(pk, "weekly") is None
            weekly = sub(tx, pk, "weekly", 200, days=1 << 4)
            assert weekly != daily.id
            assert tx.tips.marks(pk) == {"t1": (1, None)}
            assert tx.progress.changes(pk, WEEK_START, NOW).helpful == ()  # no time known

        await store.run(after)
        assert await store.integrity_check() == []
    finally:
        await store.close()

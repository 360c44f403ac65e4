"""Contract: a database at an older schema version upgrades on open and keeps its data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.ports import UnitOfWork
from tests.storage.contract.conftest import Backend

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ("slack", "T1", "U1")


def old_user(tx: UnitOfWork) -> int:
    """An early release's users row, in SQL both dialects read (today's ``users.user``
    reads columns of later versions: the profile a linked account uses)."""
    repo: Any = tx.users
    row = repo.fetchone(
        "INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)"
        " VALUES ('slack', 'T1', 'U1', 'Ada', 'Europe/Berlin', '2026-03-02T09:00:00+00:00')"
        " RETURNING id"
    )
    return int(row[0])


async def test_a_new_database_is_at_the_latest_version(backend: Backend) -> None:
    store = await backend.open()
    try:
        assert await store.schema_version() == backend.latest
        assert await store.integrity_check() == []
    finally:
        await store.close()


async def test_upgrade_from_the_first_schema_keeps_data(backend: Backend) -> None:
    old = await backend.open_old(1)
    try:
        assert await old.schema_version() == 1

        def first_release(tx: UnitOfWork) -> int:
            pk = old_user(tx)
            tx.progress.set_skill(pk, "rust", "learning", NOW)
            tx.tips.record_view(pk, "t001", NOW)
            tx.tips.set_saved(pk, "t001", NOW)
            tx.progress.set_step(pk, "s1", True, NOW)
            tx.users.record_activity(pk, NOW.date())
            tx.users.push_notice(pk, "welcome", NOW)
            return pk

        pk = await old.run(first_release)
    finally:
        await old.close()

    store = await backend.open()  # migrations run on open
    try:
        assert await store.schema_version() == backend.latest

        def later(tx: UnitOfWork) -> None:
            assert tx.users.find_user(*KEY) == pk
            assert tx.users.user(*KEY, "Ada", NOW).tz == "Europe/Berlin"
            assert tx.progress.skill_statuses(pk) == {"rust": "learning"}
            assert tx.tips.tip_views(pk) == {"t001": 1}
            assert tx.tips.marks(pk)["t001"][1] is not None
            assert tx.progress.roadmap_done(pk) == {"s1"}
            assert tx.users.activity_days(pk) == [NOW.date()]
            # the tables of later versions work on the upgraded database
            sub = tx.subscriptions.save_user(
                user_pk=pk, platform="slack", tenant="T1", minute=450, tz="Europe/Berlin",
                days=127, next_due=1, next_date="2026-03-03", now=NOW,
            )  # fmt: skip
            assert tx.deliveries.insert(sub, "2026-03-03", 1, "pending", NOW)
            assert not tx.deliveries.insert(sub, "2026-03-03", 1, "pending", NOW)
            assert tx.users.pop_notices(pk) == ["welcome"]

        await store.run(later)
        assert await store.integrity_check() == []
    finally:
        await store.close()


async def test_every_intermediate_version_upgrades(backend: Backend) -> None:
    for version in range(1, backend.latest):
        old = await backend.open_old(version)
        assert await old.schema_version() >= version
        await old.close()
    store = await backend.open()
    try:
        assert await store.schema_version() == backend.latest
    finally:
        await store.close()


async def test_upgrade_to_the_bounded_ledger_keeps_the_ledger_and_prunes_it(
    backend: Backend,
) -> None:
    old = await backend.open_old(backend.bounded_ledger - 1)

    def before(tx: UnitOfWork) -> int:
        pk = old_user(tx)
        chan = tx.subscriptions.save_channel(
            platform="slack", tenant="T1", channel_id="C1", owner_pk=pk, minute=540, tz="UTC",
            days=127, next_due=1, next_date="2026-03-03", now=NOW,
        )  # fmt: skip
        for day, due in (("2026-01-01", 10), ("2026-01-02", 20)):
            assert tx.deliveries.insert(chan, day, due, "pending", NOW)
        for row in tx.deliveries.pending(100, ["slack"], 10):
            tx.deliveries.claim(row.id, "t1", 0, NOW)
            if row.due_at == 10:
                tx.deliveries.finish(row.id, "sent", NOW)
        return chan

    try:
        chan = await old.run(before)
    finally:
        await old.close()

    store = await backend.open()
    try:
        assert await store.schema_version() == backend.latest

        def after(tx: UnitOfWork) -> None:
            assert tx.deliveries.channel_views(chan) == {"t1": 2}
            assert tx.deliveries.prune(100, 10) == 1  # the sent row; the pending one stays
            assert tx.deliveries.states(chan) == {"2026-01-02": "pending"}
            assert tx.deliveries.channel_views(chan) == {"t1": 2}

        await store.run(after)
        assert await store.integrity_check() == []
    finally:
        await store.close()

"""Migration 2 (subscriptions + delivery ledger) on an existing version-1 database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.requests import User
from bot.storage import Store, Tx
from bot.storage import daily as db


async def test_upgrade_from_v1_keeps_users_and_adds_the_ledger(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await Store.open(path, migrate_to=1)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    pk = (
        await old.run(lambda tx: tx.user(User("slack", "T1", "U1", "ada"), now, "Europe/Berlin"))
    ).pk
    await old.close()

    store = await Store.open(path)
    try:
        assert await store.schema_version() >= 2

        def use(tx: Tx) -> int:
            sub = db.save_user_sub(
                tx, user_pk=pk, platform="slack", tenant="T1", minute=450,
                tz="Europe/Berlin", days=127, next_due=1, next_date="2026-03-03", now=now,
            )  # fmt: skip
            assert db.insert_delivery(tx, sub, "2026-03-03", 1, "pending", now)
            assert not db.insert_delivery(tx, sub, "2026-03-03", 1, "pending", now)
            assert db.states(tx, sub) == {"2026-03-03": "pending"}
            plan = tx.fetchall(
                "EXPLAIN QUERY PLAN SELECT id FROM subscriptions s"
                " WHERE s.status = 'active' AND s.next_due <= ? ORDER BY s.next_due LIMIT 10",
                (5,),
            )
            assert "subscriptions_due" in " ".join(str(r[-1]) for r in plan)
            return sub

        sub = await store.run(use)
        with pytest.raises(Exception, match="CHECK"):
            await store.run(
                lambda tx: tx.execute(
                    "UPDATE deliveries SET key = ? WHERE sub_id = ?", ("x" * 26, sub)
                )
            )
        assert await store.integrity_check() == []
    finally:
        await store.close()


def test_keys_fit_discord_nonces() -> None:
    assert len(db.delivery_key(10**15 - 1, "2027-12-31")) <= 25  # ids up to 15 digits
    assert db.delivery_key(7, "2027-03-14") == "d7-20270314"

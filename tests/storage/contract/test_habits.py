"""Contract: streak settings and quiet days (issue 14), and the ledger's 'quiet' and
'away' states, on every backend; the upgrade to them keeps the ledger."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import psycopg
import pytest

from bot.core.ports import Store, UnitOfWork
from bot.core.records import Prefs, QuietPlan, delivery_key
from tests.storage.contract.conftest import Backend, old_sql

CHECK_FAILED = (sqlite3.IntegrityError, psycopg.errors.CheckViolation)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ("slack", "T1", "U1")
D = date(2026, 3, 2)


def ada(tx: UnitOfWork) -> int:
    return tx.users.user(*KEY, "Ada", NOW, "Europe/Berlin").pk


async def test_prefs_default_then_saved_and_replaced(store: Store) -> None:
    def unit(tx: UnitOfWork) -> None:
        pk = ada(tx)
        assert tx.habits.prefs(pk) == Prefs()
        tx.habits.set_prefs(pk, Prefs(4, True, "2026-03-07", "Europe/Berlin"))
        assert tx.habits.prefs(pk) == Prefs(4, True, "2026-03-07", "Europe/Berlin")
        tx.habits.set_prefs(pk, Prefs(23, False, None, "Asia/Tokyo"))
        assert tx.habits.prefs(pk) == Prefs(23, False, None, "Asia/Tokyo")

    await store.run(unit)


async def test_day_start_outside_the_day_is_refused(store: Store) -> None:
    pk = await store.run(ada)
    with pytest.raises(CHECK_FAILED):
        await store.run(lambda tx: tx.habits.set_prefs(pk, Prefs(day_start=24)))
    assert (await store.run(lambda tx: tx.habits.prefs(pk))) == Prefs()


async def test_quiet_days_add_unskip_and_plans(store: Store) -> None:
    def unit(tx: UnitOfWork) -> None:
        pk = ada(tx)
        other = tx.users.user("slack", "T1", "U2", "Bo", NOW).pk
        nobody = tx.users.user("slack", "T1", "U3", "Cy", NOW).pk
        days = [date(2026, 3, 1), D, date(2026, 3, 5)]
        assert tx.habits.add_quiet(pk, days, "skip") == 3
        assert tx.habits.add_quiet(pk, [D, date(2026, 3, 6)], "away") == 1  # D stays 'skip'
        assert tx.habits.quiet_days(pk) == {
            date(2026, 3, 1): "skip", D: "skip", date(2026, 3, 5): "skip",
            date(2026, 3, 6): "away",
        }  # fmt: skip
        assert list(tx.habits.quiet_days(pk)) == sorted(tx.habits.quiet_days(pk))
        tx.habits.set_prefs(other, Prefs(weekends_since="2026-03-02", away_skip=True))
        plans = tx.habits.quiet_plans([pk, other, nobody], D)
        assert plans == {
            pk: QuietPlan(frozenset({"2026-03-02", "2026-03-05"}), None, False),
            other: QuietPlan(frozenset(), "2026-03-02", True),
        }
        assert plans[other].quiet("2026-03-07") and not plans[other].quiet("2026-02-28")
        assert tx.habits.unskip(pk, D, [date(2026, 3, 1), date(2026, 3, 5)]) == 1  # past stays
        assert tx.habits.unskip(pk, D) == 1  # D; the 'away' day is history, not a skip
        assert tx.habits.quiet_days(pk) == {date(2026, 3, 1): "skip", date(2026, 3, 6): "away"}

    await store.run(unit)


async def test_last_day_is_the_latest_activity(store: Store) -> None:
    def unit(tx: UnitOfWork) -> None:
        pk = ada(tx)
        assert tx.habits.last_day(pk) is None
        tx.users.record_activity(pk, date(2026, 3, 4))
        tx.users.record_activity(pk, D)
        assert tx.habits.last_day(pk) == date(2026, 3, 4)

    await store.run(unit)


async def test_export_holds_them_and_forget_removes_them(store: Store) -> None:
    def fill(tx: UnitOfWork) -> int:
        pk = ada(tx)
        tx.habits.set_prefs(pk, Prefs(4, True, None, "Europe/Berlin"))
        tx.habits.add_quiet(pk, [D], "skip")
        return pk

    pk = await store.run(fill)
    data = await store.run(lambda tx: tx.users.export(pk))
    assert data["streak_settings"] == [
        {"day_start": 4, "away_skip": 1, "weekends_since": None, "days_zone": "Europe/Berlin"}
    ]
    assert data["quiet_days"] == [{"day": "2026-03-02", "kind": "skip"}]
    await store.run(lambda tx: tx.users.forget(pk))
    assert await store.run(lambda tx: tx.habits.quiet_days(pk)) == {}
    assert await store.run(lambda tx: tx.habits.prefs(pk)) == Prefs()


async def test_the_ledger_takes_quiet_and_away_rows_and_nothing_else(store: Store) -> None:
    def unit(tx: UnitOfWork) -> int:
        pk = ada(tx)
        return tx.subscriptions.save_user(
            user_pk=pk, platform="slack", tenant="T1", minute=450, tz="Europe/Berlin",
            days=127, next_due=1, next_date="2026-03-03", now=NOW,
        )  # fmt: skip

    sub = await store.run(unit)
    assert await store.run(lambda tx: tx.deliveries.insert(sub, "2026-03-03", 1, "quiet", NOW))
    assert await store.run(lambda tx: tx.deliveries.insert(sub, "2026-03-04", 2, "away", NOW))
    with pytest.raises(CHECK_FAILED):
        await store.run(lambda tx: tx.deliveries.insert(sub, "2026-03-05", 3, "bogus", NOW))
    states = await store.run(lambda tx: tx.deliveries.states(sub))
    assert states == {"2026-03-03": "quiet", "2026-03-04": "away"}
    assert await store.run(lambda tx: tx.deliveries.prune(100, 10)) == 2  # finished rows


async def test_upgrade_keeps_the_ledger_rows_ids_and_indexes(backend: Backend) -> None:
    old = await backend.open_old(backend.habits - 1)
    await old.close()
    at = NOW.isoformat()
    [(sub,)] = old_sql(
        backend,
        (
            "INSERT INTO users (platform, tenant, user_id, display_name, tz, created_at)"
            " VALUES ('slack', 'T1', 'U1', 'Ada', 'Europe/Berlin', ?)",
            (at,),
        ),
        (
            "INSERT INTO subscriptions (user_pk, platform, tenant, minute, tz, days, status,"
            " next_due, next_date, created_at, updated_at) SELECT id, 'slack', 'T1', 450,"
            " 'Europe/Berlin', 127, 'active', 1, '2026-03-03', ?, ? FROM users RETURNING id",
            (at, at),
        ),
    )
    # one sent, one claimed (its tip fixed, one attempt) and still pending
    rows = old_sql(
        backend,
        (
            "INSERT INTO deliveries (sub_id, local_date, due_at, state, key, tip_id, attempts,"
            " retry_at, message_id, updated_at) VALUES"
            " (?, '2026-01-01', 10, 'sent', ?, 't1', 1, 10, 'm1', ?),"
            " (?, '2026-01-02', 20, 'pending', ?, 't1', 1, 20, NULL, ?)"
            " RETURNING local_date, id",
            (sub, delivery_key(sub, "2026-01-01"), at, sub, delivery_key(sub, "2026-01-02"), at),
        ),
    )
    ids = {str(day): int(pk) for day, pk in rows}

    store = await backend.open()
    try:
        assert await store.schema_version() == backend.latest

        def after(tx: UnitOfWork) -> None:
            assert tx.deliveries.states(sub) == {"2026-01-01": "sent", "2026-01-02": "pending"}
            [pending] = tx.deliveries.pending(100, ["slack"], 10)
            assert (pending.id, pending.tip_id) == (ids["2026-01-02"], "t1")
            assert tx.deliveries.insert(sub, "2026-01-03", 30, "quiet", NOW)
            assert not tx.deliveries.insert(sub, "2026-01-03", 30, "pending", NOW)  # UNIQUE
            assert tx.deliveries.prune(100, 10) == 2
            assert tx.habits.prefs(tx.users.user(*KEY, "Ada", NOW).pk) == Prefs()

        await store.run(after)
        assert await store.integrity_check() == []
    finally:
        await store.close()

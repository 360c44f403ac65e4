"""Contract: daily subscriptions and the delivery ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports import Store, UnitOfWork
from bot.core.records import Cursor, Planned, delivery_key

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def user(tx: UnitOfWork, uid: str, platform: str = "slack") -> int:
    return tx.users.user(platform, "T1", uid, uid.lower(), NOW).pk


def dm(tx: UnitOfWork, pk: int, due: int, platform: str = "slack", minute: int = 450) -> int:
    return tx.subscriptions.save_user(
        user_pk=pk, platform=platform, tenant="T1", minute=minute, tz="Europe/Berlin",
        days=127, next_due=due, next_date="2026-03-03", now=NOW,
    )  # fmt: skip


def channel(tx: UnitOfWork, owner: int, channel_id: str, due: int, tenant: str = "T1") -> int:
    return tx.subscriptions.save_channel(
        platform="slack", tenant=tenant, channel_id=channel_id, owner_pk=owner, minute=540,
        tz="UTC", days=31, next_due=due, next_date="2026-03-03", now=NOW,
    )  # fmt: skip


async def test_a_user_subscription_is_replaced_under_the_same_id(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        pk = user(tx, "U1")
        sub = dm(tx, pk, 100)
        tx.subscriptions.set_status(sub, "suspended", "50007", NOW)
        tx.subscriptions.set_pause(sub, 500, 600, "2026-03-09", NOW)
        assert dm(tx, pk, 700, minute=480) == sub  # replaced: active, unpaused
        row = tx.subscriptions.of_user(pk)
        assert row is not None and row.id == sub
        assert (row.status, row.reason, row.paused_until) == ("active", "", None)
        assert (row.minute, row.next_due, row.user_id, row.display_name) == (480, 700, "U1", "u1")
        assert row.notify_pk == pk and row.channel_id is None
        tx.subscriptions.set_status(sub, "off", "", NOW)
        assert tx.subscriptions.get(sub) == tx.subscriptions.of_user(pk)
        assert tx.subscriptions.get(sub + 1000) is None
        tx.subscriptions.set_pause(sub, 900, 1000, "2026-03-12", NOW)
        paused = tx.subscriptions.get(sub)
        assert paused is not None and paused.status == "off"
        assert (paused.paused_until, paused.next_due, paused.next_date) == (
            900, 1000, "2026-03-12"
        )  # fmt: skip

    await store.run(use)


async def test_channel_subscriptions_per_workspace(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        admin = user(tx, "U9")
        c1 = channel(tx, admin, "C1", 100)
        c2 = channel(tx, admin, "C2", 100)
        other = channel(tx, admin, "C1", 100, tenant="T2")
        assert channel(tx, admin, "C1", 300) == c1  # the same channel: replaced
        subs = tx.subscriptions.of_channels("slack", "T1")
        assert [s.id for s in subs] == [c1, c2]
        assert subs[0].next_due == 300 and subs[0].notify_pk == admin
        assert subs[0].user_pk is None and subs[0].user_id is None
        assert tx.subscriptions.channels_off("slack", "T1", NOW) == 2
        assert tx.subscriptions.channels_off("slack", "T1", NOW) == 0  # already off
        assert {s.status for s in tx.subscriptions.of_channels("slack", "T1")} == {"off"}
        kept = tx.subscriptions.get(other)
        assert kept is not None and kept.status == "active"

    await store.run(use)


async def test_due_scan_cursors_and_missed_counts(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        a, b, c, d = (user(tx, u) for u in ("UA", "UB", "UC", "UD"))
        sa, sb = dm(tx, a, 300), dm(tx, b, 100)
        sc = dm(tx, c, 200, platform="discord")
        sd = dm(tx, d, 50)
        tx.subscriptions.set_status(sd, "off", "", NOW)  # off: never due
        dm(tx, user(tx, "UE"), 10_000)  # not yet
        assert [s.id for s in tx.subscriptions.due(1000, 10)] == [sb, sc, sa]
        assert [s.id for s in tx.subscriptions.due(1000, 2)] == [sb, sc]
        assert [s.id for s in tx.subscriptions.due(1000, 10, ["slack"])] == [sb, sa]
        assert tx.subscriptions.due(1000, 10, []) == []
        assert tx.subscriptions.earliest_due(["slack"]) == 100
        assert tx.subscriptions.earliest_due(["discord"]) == 200
        assert tx.subscriptions.earliest_due([]) is None
        tx.subscriptions.advance(sb, 2000, "2026-03-04", 2)
        tx.subscriptions.advance_many([Cursor(sa, 3000, "2026-03-05", 1), Cursor(sb, 2500, "x", 1)])
        tx.subscriptions.advance_many([])
        moved = tx.subscriptions.get(sb)
        assert moved is not None and (moved.next_due, moved.next_date, moved.missed) == (
            2500, "x", 3
        )  # fmt: skip
        assert [s.id for s in tx.subscriptions.due(1000, 10)] == [sc]
        assert tx.subscriptions.take_missed(sb) == 3
        assert tx.subscriptions.take_missed(sb) == 0
        assert tx.subscriptions.take_missed(sc) == 0

    await store.run(use)


async def test_ledger_rows_are_unique_per_local_date(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        sub = dm(tx, user(tx, "U1"), 100)
        assert tx.deliveries.insert(sub, "2026-03-01", 50, "skipped", NOW)
        assert not tx.deliveries.insert(sub, "2026-03-01", 50, "pending", NOW)
        planned = [Planned(sub, "2026-03-01", 50), Planned(sub, "2026-03-02", 100)]
        assert tx.deliveries.insert_pending(planned, NOW) == 1  # one was there already
        assert tx.deliveries.insert_pending(planned, NOW) == 0
        assert tx.deliveries.insert_pending([], NOW) == 0
        assert tx.deliveries.states(sub) == {"2026-03-01": "skipped", "2026-03-02": "pending"}
        (row,) = tx.deliveries.pending(1000, ["slack"], 10)
        assert (row.sub_id, row.local_date, row.due_at, row.retry_at) == (
            sub, "2026-03-02", 100, 100
        )  # fmt: skip
        assert row.key == delivery_key(sub, "2026-03-02") and len(row.key) <= 25
        assert (row.state, row.tip_id, row.missed, row.attempts) == ("pending", None, 0, 0)
        assert tx.deliveries.get(row.id) == row
        assert tx.deliveries.get(row.id + 1000) is None

    await store.run(use)


async def test_claim_retry_and_finish(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        sub = dm(tx, user(tx, "U1"), 100)
        tx.deliveries.insert_pending([Planned(sub, "2026-03-02", 100)], NOW)
        (row,) = tx.deliveries.pending(1000, ["slack"], 10)
        tx.deliveries.claim(row.id, "t007", 2, NOW)
        tx.deliveries.finish(row.id, "pending", LATER, detail="429", retry_at=5000)
        claimed = tx.deliveries.get(row.id)
        assert claimed is not None
        assert (claimed.tip_id, claimed.missed, claimed.attempts) == ("t007", 2, 1)
        assert (claimed.state, claimed.retry_at) == ("pending", 5000)
        assert tx.deliveries.pending(1000, ["slack"], 10) == []  # not before its retry
        assert tx.deliveries.earliest_retry(["slack"]) == 5000
        assert tx.deliveries.earliest_retry(["discord"]) is None
        assert tx.deliveries.earliest_retry([]) is None
        assert tx.deliveries.pending(5000, ["discord"], 10) == []
        assert tx.deliveries.pending(5000, [], 10) == []
        tx.deliveries.count_attempt(row.id, LATER)
        tx.deliveries.finish(row.id, "sent", LATER, message_id="m1", detail="x" * 500)
        done = tx.deliveries.get(row.id)
        assert done is not None and (done.state, done.attempts) == ("sent", 2)
        assert tx.deliveries.pending(10_000, ["slack"], 10) == []
        assert tx.deliveries.earliest_retry(["slack"]) is None

    await store.run(use)


async def test_pending_rows_of_inactive_subscriptions_wait(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        sub = dm(tx, user(tx, "U1"), 100)
        tx.deliveries.insert_pending([Planned(sub, "2026-03-02", 100)], NOW)
        tx.subscriptions.set_status(sub, "suspended", "50007", NOW)
        assert tx.deliveries.pending(1000, ["slack"], 10) == []
        assert tx.deliveries.earliest_retry(["slack"]) is None
        tx.subscriptions.set_status(sub, "active", "", NOW)
        assert len(tx.deliveries.pending(1000, ["slack"], 10)) == 1

    await store.run(use)


async def test_pending_is_oldest_retry_first_and_limited(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        subs = [dm(tx, user(tx, f"U{i}"), 100) for i in range(4)]
        for i, sub in enumerate(subs):
            tx.deliveries.insert_pending([Planned(sub, "2026-03-02", 400 - 100 * i)], NOW)
        rows = tx.deliveries.pending(1000, ["slack"], 3)
        assert [r.sub_id for r in rows] == [subs[3], subs[2], subs[1]]

    await store.run(use)


async def test_channel_views_count_posted_and_claimed_tips(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        sub = channel(tx, user(tx, "U9"), "C1", 100)
        days = ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")
        tx.deliveries.insert_pending([Planned(sub, d, 100) for d in days], NOW)
        rows = tx.deliveries.pending(1000, ["slack"], 10)
        for row, (tip, state) in zip(
            rows, [("t1", "sent"), ("t1", "pending"), ("t2", "failed"), ("t3", "skipped")],
            strict=True,
        ):  # fmt: skip
            tx.deliveries.claim(row.id, tip, 0, NOW)
            tx.deliveries.finish(row.id, state, NOW)
        assert tx.deliveries.channel_views(sub) == {"t1": 2}

    await store.run(use)


def test_keys_fit_discord_nonces() -> None:
    assert len(delivery_key(10**15 - 1, "2027-12-31")) <= 25  # ids up to 15 digits
    assert delivery_key(7, "2027-03-14") == "d7-20270314"


async def test_prune_deletes_old_finished_rows_in_batches_and_keeps_the_rest(
    store: Store,
) -> None:
    """The bounded ledger: finished rows due before the cut go, oldest first, ``limit`` at
    a time; pending rows and recent ones stay; a channel's tip counts do not change."""

    def setup(tx: UnitOfWork) -> tuple[int, int]:
        sub = dm(tx, user(tx, "U1"), 100)
        chan = channel(tx, user(tx, "U9"), "C1", 100)
        # DM: days 1..6 due at 10..60; channel: days 1..6 due at 10..60 too
        for s in (sub, chan):
            tx.deliveries.insert_pending(
                [Planned(s, f"2026-01-0{d}", 10 * d) for d in range(1, 7)], NOW
            )
        tips = {1: ("t1", "sent"), 2: ("t1", "sent"), 3: ("t2", "sent"), 4: ("t3", "failed"),
                5: (None, "skipped"), 6: ("t2", "pending")}  # fmt: skip
        for row in tx.deliveries.pending(1000, ["slack"], 100):
            tip, state = tips[int(row.local_date[-1])]
            if tip is not None:
                tx.deliveries.claim(row.id, tip, 0, NOW)
            if state != "pending":
                tx.deliveries.finish(row.id, state, NOW)
        return sub, chan

    sub, chan = await store.run(setup)
    views = {"t1": 2, "t2": 2}  # sent + pending; failed and skipped do not count
    assert await store.run(lambda tx: tx.deliveries.channel_views(chan)) == views

    # rows due before 55: days 1..5 of both subscriptions (10 rows), of which 0 pending
    assert await store.run(lambda tx: tx.deliveries.prune(55, 3)) == 3
    assert await store.run(lambda tx: tx.deliveries.channel_views(chan)) == views
    assert await store.run(lambda tx: tx.deliveries.prune(55, 5)) == 5
    assert await store.run(lambda tx: tx.deliveries.channel_views(chan)) == views
    assert await store.run(lambda tx: tx.deliveries.prune(55, 5)) == 2
    assert await store.run(lambda tx: tx.deliveries.prune(55, 5)) == 0
    left = {"2026-01-06": "pending"}
    assert await store.run(lambda tx: tx.deliveries.states(sub)) == left
    assert await store.run(lambda tx: tx.deliveries.states(chan)) == left
    assert await store.run(lambda tx: tx.deliveries.channel_views(chan)) == views
    # a pending row is never pruned, however old
    assert await store.run(lambda tx: tx.deliveries.prune(10_000, 100)) == 0
    assert len(await store.run(lambda tx: tx.deliveries.pending(1000, ["slack"], 10))) == 2

    def more(tx: UnitOfWork) -> dict[str, int]:
        # the rotation goes on from the folded counts; they add up with later prunes
        tx.deliveries.insert_pending([Planned(chan, "2026-01-07", 70)], NOW)
        (row,) = [r for r in tx.deliveries.pending(1000, ["slack"], 10) if r.due_at == 70]
        tx.deliveries.claim(row.id, "t1", 0, NOW)
        tx.deliveries.finish(row.id, "sent", NOW)
        assert tx.deliveries.prune(100, 10) == 1
        return tx.deliveries.channel_views(chan)

    assert await store.run(more) == {"t1": 3, "t2": 2}

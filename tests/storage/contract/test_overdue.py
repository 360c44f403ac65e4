"""Contract: the count of deliveries due and not sent (the ``careerbot_deliveries_overdue``
gauge of ``/metrics``)."""

from __future__ import annotations

from bot.core.ports import Store, UnitOfWork
from bot.core.records import Planned
from tests.storage.contract.test_daily import LATER, NOW, dm, user


async def test_overdue_counts_due_pending_rows_and_unplanned_subscriptions(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        assert tx.deliveries.overdue_count(1000) == 0
        # planned: the cursors are past 1000, so only ledger rows can be overdue
        a, b, c, d = (dm(tx, user(tx, u), 5000) for u in ("UA", "UB", "UC", "UD"))
        tx.deliveries.insert_pending(
            [Planned(a, "2026-03-02", 100), Planned(b, "2026-03-02", 900)], NOW
        )
        tx.deliveries.insert_pending([Planned(c, "2026-03-02", 2000)], NOW)  # not due yet
        tx.deliveries.insert(d, "2026-03-01", 50, "skipped", NOW)  # not pending
        assert tx.deliveries.overdue_count(1000) == 2
        assert tx.deliveries.overdue_count(99) == 0
        # a retry waiting after a 429 is still due and unsent
        (row,) = tx.deliveries.pending(150, ["slack"], 10)
        tx.deliveries.claim(row.id, "t1", 0, NOW)
        tx.deliveries.finish(row.id, "pending", LATER, detail="429", retry_at=4000)
        assert tx.deliveries.overdue_count(1000) == 2
        tx.deliveries.finish(row.id, "sent", LATER, message_id="m1")
        assert tx.deliveries.overdue_count(1000) == 1
        # a subscription due and not planned yet (no leader planning) counts too
        e = dm(tx, user(tx, "UE"), 800, platform="discord")
        assert tx.deliveries.overdue_count(1000) == 2
        # inactive subscriptions are not waiting for anyone
        tx.subscriptions.set_status(e, "off", "", NOW)
        tx.subscriptions.set_status(b, "suspended", "50007", NOW)
        assert tx.deliveries.overdue_count(1000) == 0

    await store.run(use)

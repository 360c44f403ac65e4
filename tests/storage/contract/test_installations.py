"""Contract: OAuth installations (sealed data per workspace), leaving, and OAuth states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports import Store, UnitOfWork
from bot.core.records import Planned

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)


def dm(tx: UnitOfWork, tenant: str, uid: str) -> int:
    pk = tx.users.user("slack", tenant, uid, uid.lower(), NOW).pk
    return tx.subscriptions.save_user(
        user_pk=pk, platform="slack", tenant=tenant, minute=450, tz="UTC", days=127,
        next_due=100, next_date="2026-03-03", now=NOW,
    )  # fmt: skip


async def test_install_reinstall_and_rotation_keep_one_row_per_workspace(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        i = tx.installations
        assert i.sealed("slack", "T1") is None
        assert i.install("slack", "T1", "Acme", "sealed-1", NOW) == 0
        i.install("slack", "T2", "Globex", "sealed-2", NOW)
        assert i.sealed("slack", "T1") == "sealed-1"
        assert i.sealed("discord", "T1") is None  # per platform
        i.install("slack", "T1", "Acme Inc", "sealed-1b", LATER)  # re-authorised
        i.reseal("slack", "T2", "sealed-2b")  # a refreshed token or a new key
        assert i.all_sealed("slack") == [("T1", "sealed-1b"), ("T2", "sealed-2b")]
        [t1, t2] = i.tenants("slack")
        assert (t1.tenant, t1.name, t1.state, t1.uninstalled_at) == (
            "T1",
            "Acme Inc",
            "active",
            None,
        )
        assert t1.installed_at == NOW.isoformat()  # still installed since then
        assert (t2.tenant, t2.users) == ("T2", 0)

    await store.run(use)


async def test_uninstall_deletes_tokens_and_suspends_that_workspace_only(store: Store) -> None:
    def setup(tx: UnitOfWork) -> tuple[int, int]:
        tx.installations.install("slack", "T1", "Acme", "s1", NOW)
        tx.installations.install("slack", "T2", "Globex", "s2", NOW)
        a, b = dm(tx, "T1", "U1"), dm(tx, "T2", "U2")
        tx.deliveries.insert_pending(
            [Planned(a, "2026-03-03", 100), Planned(b, "2026-03-03", 100)], NOW
        )
        return a, b

    a, b = await store.run(setup)

    def leave(tx: UnitOfWork) -> None:
        assert tx.installations.uninstall("slack", "T1", NOW) == 1
        assert tx.installations.uninstall("slack", "T1", LATER) == 0  # tokens_revoked after
        assert tx.installations.sealed("slack", "T1") is None
        assert tx.installations.all_sealed("slack") == [("T2", "s2")]
        sub = tx.subscriptions.get(a)
        assert sub is not None and (sub.status, sub.reason) == ("suspended", "uninstalled")
        assert tx.subscriptions.due(10_000, 10) == [tx.subscriptions.get(b)]
        assert [d.sub_id for d in tx.deliveries.pending(10_000, ["slack"], 10)] == [b]
        tx.installations.reseal("slack", "T1", "late-rotation")  # no resurrection
        assert tx.installations.sealed("slack", "T1") is None
        [t1, _] = tx.installations.tenants("slack")
        assert (t1.state, t1.uninstalled_at, t1.users) == ("uninstalled", NOW.isoformat(), 1)
        assert tx.installations.left_before("slack", NOW - timedelta(seconds=1)) == []
        assert tx.installations.left_before("slack", NOW) == ["T1"]

    await store.run(leave)

    def come_back(tx: UnitOfWork) -> None:
        assert tx.installations.install("slack", "T1", "Acme", "s1-new", LATER) == 1
        sub = tx.subscriptions.get(a)
        assert sub is not None and (sub.status, sub.reason) == ("active", "")
        assert tx.installations.left_before("slack", LATER) == []
        [t1, _] = tx.installations.tenants("slack")
        assert (t1.state, t1.installed_at, t1.uninstalled_at) == ("active", LATER.isoformat(), None)

    await store.run(come_back)


async def test_forget_deletes_the_workspace_and_its_users_only(store: Store) -> None:
    def setup(tx: UnitOfWork) -> int:
        tx.installations.install("slack", "T1", "Acme", "s1", NOW)
        tx.installations.install("slack", "T2", "Globex", "s2", NOW)
        a = dm(tx, "T1", "U1")
        dm(tx, "T1", "U3")
        dm(tx, "T2", "U2")
        admin = tx.users.find_user("slack", "T1", "U1")
        assert admin is not None
        tx.subscriptions.save_channel(
            platform="slack", tenant="T1", channel_id="C1", owner_pk=admin, minute=540,
            tz="UTC", days=31, next_due=100, next_date="2026-03-03", now=NOW,
        )  # fmt: skip
        tx.deliveries.insert(a, "2026-03-03", 100, "sent", NOW)
        tx.installations.uninstall("slack", "T1", NOW)
        return a

    a = await store.run(setup)

    def forget(tx: UnitOfWork) -> None:
        assert tx.installations.forget("slack", "T1") == 2
        assert tx.users.find_user("slack", "T1", "U1") is None
        assert tx.users.find_user("slack", "T2", "U2") is not None
        assert tx.subscriptions.of_channels("slack", "T1") == []
        assert [t.tenant for t in tx.installations.tenants("slack")] == ["T2"]
        assert tx.deliveries.states(a) == {}  # the ledger went with the subscriptions

    await store.run(forget)


async def test_an_oauth_state_is_single_use_and_expires(store: Store) -> None:
    def use(tx: UnitOfWork) -> None:
        i = tx.installations
        i.issue_state("s-ok", 1000, 1600)
        i.issue_state("s-old", 1000, 1100)
        assert not i.consume_state("forged", 1200)
        assert not i.consume_state("s-old", 1200)  # expired
        assert i.consume_state("s-ok", 1200)
        assert not i.consume_state("s-ok", 1200)  # replayed
        i.issue_state("s-new", 2000, 2600)  # drops what expired meanwhile
        assert i.consume_state("s-new", 2001)

    await store.run(use)

"""Contract: users, notices, activity, export and forget."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.ports import Store, UnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ("slack", "T1", "U1")


def ada(tx: UnitOfWork, name: str = "Ada", tz: str | None = None) -> int:
    return tx.users.user(*KEY, name, NOW, tz).pk


async def test_a_user_is_created_once_and_found_by_key(store: Store) -> None:
    first = await store.run(lambda tx: tx.users.user(*KEY, "Ada", NOW, "Europe/Berlin"))
    again = await store.run(lambda tx: tx.users.user(*KEY, "Ada", NOW))
    assert again == first and first.tz == "Europe/Berlin"
    assert await store.run(lambda tx: tx.users.find_user(*KEY)) == first.pk
    # the same id in another workspace, or on another platform, is another user
    other = await store.run(lambda tx: tx.users.user("slack", "T2", "U1", "Ada", NOW))
    elsewhere = await store.run(lambda tx: tx.users.user("discord", "T1", "U1", "Ada", NOW))
    assert len({first.pk, other.pk, elsewhere.pk}) == 3
    assert await store.run(lambda tx: tx.users.find_user("console", "local", "nobody")) is None


async def test_display_name_and_zone_refresh(store: Store) -> None:
    pk = await store.run(lambda tx: ada(tx, tz="Europe/Berlin"))
    row = await store.run(lambda tx: tx.users.user(*KEY, "Ada L.", NOW, "America/New_York"))
    assert row.tz == "Europe/Berlin"  # a known zone is kept; a hint only fills a gap
    await store.run(lambda tx: tx.users.user(*KEY, "", NOW))  # an unknown name erases nothing
    user = (await store.run(lambda tx: tx.users.export(pk)))["user"]
    assert (user["display_name"], user["tz"]) == ("Ada L.", "Europe/Berlin")
    await store.run(lambda tx: tx.users.set_tz(pk, "Asia/Tokyo"))
    assert (await store.run(lambda tx: tx.users.user(*KEY, "Ada L.", NOW))).tz == "Asia/Tokyo"
    hinted = await store.run(lambda tx: tx.users.user("slack", "T1", "U2", "Bo", NOW, "UTC"))
    assert hinted.tz == "UTC"


async def test_level_is_stored_cleared_and_exported(store: Store) -> None:
    pk = await store.run(ada)
    other = await store.run(lambda tx: tx.users.user("slack", "T1", "U2", "Bo", NOW).pk)
    assert await store.run(lambda tx: tx.users.level(pk)) is None  # default: all levels
    await store.run(lambda tx: tx.users.set_level(pk, "aspiring"))
    assert await store.run(lambda tx: tx.users.level(pk)) == "aspiring"
    # the user look-up of every command carries it (no second read)
    assert (await store.run(lambda tx: tx.users.user(*KEY, "Ada", NOW))).level == "aspiring"
    assert await store.run(lambda tx: tx.users.level(other)) is None  # only hers
    assert (await store.run(lambda tx: tx.users.export(pk)))["user"]["level"] == "aspiring"
    await store.run(lambda tx: tx.users.set_level(pk, "experienced"))
    assert await store.run(lambda tx: tx.users.level(pk)) == "experienced"
    await store.run(lambda tx: tx.users.set_level(pk, None))
    assert await store.run(lambda tx: tx.users.level(pk)) is None
    with pytest.raises(Exception):  # noqa: B017 - the schema refuses an unknown level
        await store.run(lambda tx: tx.users.set_level(pk, "guru"))
    assert await store.run(lambda tx: tx.users.level(pk)) is None


async def test_notices_pop_oldest_first_once(store: Store) -> None:
    def push(tx: UnitOfWork) -> int:
        pk = ada(tx)
        for i in range(3):
            tx.users.push_notice(pk, f"n{i}", NOW + timedelta(seconds=i))
        return pk

    pk = await store.run(push)
    assert await store.run(lambda tx: tx.users.pop_notices(pk)) == ["n0", "n1", "n2"]
    assert await store.run(lambda tx: tx.users.pop_notices(pk)) == []


async def test_activity_days_are_distinct_and_ascending(store: Store) -> None:
    def act(tx: UnitOfWork) -> int:
        pk = ada(tx)
        for day in (date(2026, 3, 3), date(2026, 3, 1), date(2026, 3, 3)):
            tx.users.record_activity(pk, day)
        return pk

    pk = await store.run(act)
    days = await store.run(lambda tx: tx.users.activity_days(pk))
    assert days == [date(2026, 3, 1), date(2026, 3, 3)]


def everything(tx: UnitOfWork) -> tuple[int, int]:
    """A user with a record of every kind, and an admin's channel subscription."""
    pk = ada(tx, tz="Europe/Berlin")
    tx.progress.set_skill(pk, "rust", "learning", NOW)
    tx.progress.set_step(pk, "s1", True, NOW)
    tx.tips.record_view(pk, "t001", NOW)
    tx.tips.set_vote(pk, "t002", 1)
    tx.tips.set_saved(pk, "t003", NOW)
    tx.tips.start_review(pk, "t003", 100)
    tx.users.record_activity(pk, NOW.date())
    tx.users.push_notice(pk, "hello", NOW)
    sub = tx.subscriptions.save_user(
        user_pk=pk, platform="slack", tenant="T1", minute=450, tz="Europe/Berlin", days=127,
        next_due=100, next_date="2026-03-03", now=NOW,
    )  # fmt: skip
    assert tx.deliveries.insert(sub, "2026-03-03", 100, "sent", NOW)
    channel = tx.subscriptions.save_channel(
        platform="slack", tenant="T1", channel_id="C1", owner_pk=pk, minute=540, tz="UTC",
        days=31, next_due=200, next_date="2026-03-03", now=NOW,
    )  # fmt: skip
    assert tx.deliveries.insert(channel, "2026-03-03", 200, "pending", NOW)
    # a Discord account linked to this profile (issue 14), with the code it used
    other = tx.users.user("discord", "global", "42", "ada", NOW).pk
    tx.links.issue(pk, "code-hash", 100, 700)
    tx.links.link("code-hash", other, 200)
    return pk, channel


# what export must hold for a user with a record of every kind (every per-user table)
EXPORT_SECTIONS = (
    "user", "skills", "tips_seen", "tip_marks", "roadmap", "activity_days", "notices", "daily",
    "daily_deliveries", "reviews", "linked_accounts", "link_codes",
)  # fmt: skip


async def test_export_covers_every_kind_of_record(store: Store) -> None:
    pk, _ = await store.run(everything)
    data = await store.run(lambda tx: tx.users.export(pk))
    assert set(EXPORT_SECTIONS) <= set(data)
    empty = [k for k in EXPORT_SECTIONS if not data[k]]
    assert empty == []
    assert data["user"]["user_id"] == "U1" and data["user"]["display_name"] == "Ada"
    assert data["skills"][0]["skill_id"] == "rust"
    assert {m["tip_id"] for m in data["tip_marks"]} == {"t002", "t003"}
    assert data["daily_deliveries"][0]["state"] == "sent"
    json.dumps(data)  # JSON-ready


async def test_forget_deletes_everything_about_the_user(store: Store) -> None:
    pk, channel = await store.run(everything)
    await store.run(lambda tx: tx.users.forget(pk))

    def after(tx: UnitOfWork) -> None:
        assert tx.users.find_user(*KEY) is None
        assert tx.users.find_user("discord", "global", "42") is None  # linked: gone too
        assert tx.links.code("code-hash") is None
        assert tx.progress.skill_statuses(pk) == {}
        assert tx.progress.roadmap_done(pk) == set()
        assert tx.tips.tip_views(pk) == {} and tx.tips.marks(pk) == {}
        assert tx.tips.reviews(pk) == []
        assert tx.users.activity_days(pk) == [] and tx.users.pop_notices(pk) == []
        assert tx.subscriptions.of_user(pk) is None
        data = tx.users.export(pk)
        assert all(not v for v in data.values()), data
        # the channel's subscription belongs to the workspace: it stays, without owner
        kept = tx.subscriptions.get(channel)
        assert kept is not None and kept.owner_pk is None
        assert tx.deliveries.states(channel) == {"2026-03-03": "pending"}

    await store.run(after)
    assert await store.integrity_check() == []


async def test_a_failing_unit_changes_nothing(store: Store) -> None:
    def half_done(tx: UnitOfWork) -> None:
        pk = ada(tx)
        tx.progress.set_skill(pk, "rust", "learning", NOW)
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await store.run(half_done)
    assert await store.run(lambda tx: tx.users.find_user(*KEY)) is None

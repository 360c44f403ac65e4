"""Migration 3: one profile per Discord user, merged from the per-server and DM ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.bank import Bank
from bot.core.app import Core
from bot.core.requests import GLOBAL_TENANT, Request, User
from bot.storage.sqlite import SqliteStore as Store
from bot.storage.sqlite.migrations import LATEST, migrate
from bot.storage.sqlite.profile_merge import USER_TABLES, merge_discord_profiles
from tests.conftest import FakeClock

DAY = "2026-{}T09:00:00+00:00"
WEEKDAYS = 0b0011111

# Schema 2 as the previous release left it. Discord user 42 has three profiles:
#  1: DMs ("dm"), created first: skills, views, a vote, a save, a notice, a daily tip
#     (Europe/Berlin, weekdays) changed long ago, and its ledger;
#  2: server 1000: a saved tip (saved again in the DM profile), a daily tip (UTC, every
#     day) changed most recently, its ledger, the same activity day;
#  3: server 2000: an "off" daily tip, and the channel subscription 42 set up as admin.
# Discord user 77 has one server profile; Slack user 42 of team T1 is someone else.
USERS = [
    (1, "discord", "dm", "42", "Ada", "Europe/Berlin", DAY.format("01-01")),
    (2, "discord", "1000", "42", "Ada L.", None, DAY.format("01-05")),
    (3, "discord", "2000", "42", "", None, DAY.format("01-03")),
    (4, "discord", "1000", "77", "Bea", "UTC", DAY.format("01-02")),
    (5, "slack", "T1", "42", "Sam", "UTC", DAY.format("01-01")),
]
SKILLS = [
    (1, "rust", "done", DAY.format("01-08")),  # done beats a later 'learning'
    (1, "python", "learning", DAY.format("01-08")),
    (2, "rust", "learning", DAY.format("01-10")),
    (2, "pytorch", "learning", DAY.format("01-10")),
    (3, "pytorch", "done", DAY.format("01-11")),
    (5, "kubernetes", "done", DAY.format("01-11")),
]
VIEWS = [
    (1, "t001", 1, DAY.format("01-02"), DAY.format("01-02")),
    (2, "t001", 2, DAY.format("01-06"), DAY.format("02-01")),
    (2, "t003", 1, DAY.format("01-06"), DAY.format("01-06")),
]
MARKS = [
    (1, "t001", 0, DAY.format("01-02")),  # the same tip saved in two profiles
    (1, "t002", -1, None),
    (2, "t001", 1, DAY.format("02-01")),
    (2, "t002", 1, None),  # helpful here, not helpful there: not helpful wins
    (3, "t004", 0, DAY.format("02-02")),
]
ROADMAP = [
    (1, "programming", DAY.format("01-04")),
    (2, "programming", DAY.format("01-09")),
    (2, "frameworks", DAY.format("01-09")),
]
ACTIVITY = [(1, "2026-02-01"), (1, "2026-02-02"), (2, "2026-02-01"), (3, "2026-02-03")]


def sub(
    sid: int, user_pk: int | None, tenant: str, minute: int, tz: str, days: int, status: str,
    updated: str, channel: str | None = None, owner: int | None = None,
) -> tuple[Any, ...]:  # fmt: skip
    return (sid, user_pk, "discord", tenant, channel, owner, minute, tz, days, status,
            1772611200, "2026-03-04", DAY.format("01-01"), updated)  # fmt: skip


SUBS = [
    sub(1, 1, "dm", 7 * 60, "Europe/Berlin", WEEKDAYS, "active", DAY.format("01-15")),
    sub(2, 2, "1000", 8 * 60, "UTC", 127, "active", DAY.format("02-01")),
    sub(3, 3, "2000", 9 * 60, "UTC", 127, "off", DAY.format("02-20")),
    sub(4, None, "2000", 10 * 60, "UTC", 127, "active", DAY.format("01-01"), "555", 3),
    sub(5, 4, "1000", 6 * 60, "UTC", 127, "active", DAY.format("01-01")),
]
DELIVERIES = [  # (id, sub, local date, state)
    (1, 1, "2026-02-27", "sent"),  # only the dropped ledger has this date: it moves
    (2, 1, "2026-03-02", "sent"),  # the kept ledger has it pending: the sent one wins
    (3, 2, "2026-03-01", "sent"),
    (4, 1, "2026-03-01", "failed"),  # the kept ledger has it sent: that one stays
    (5, 2, "2026-03-02", "pending"),
    (6, 3, "2026-02-27", "sent"),  # from the "off" subscription: the kept 'sent' is first
    (7, 4, "2026-03-01", "sent"),
]


def old_database(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, target=2) == 2
    rows: dict[str, list[tuple[Any, ...]]] = {
        "users (id, platform, tenant, user_id, display_name, tz, created_at)": USERS,
        "skill_status (user_pk, skill_id, status, updated_at)": SKILLS,
        "tip_views (user_pk, tip_id, times, first_seen, last_seen)": VIEWS,
        "tip_marks (user_pk, tip_id, vote, saved_at)": MARKS,
        "roadmap_done (user_pk, step_id, done_at)": ROADMAP,
        "activity (user_pk, day)": ACTIVITY,
        "notices (user_pk, text, created_at)": [(1, "an older notice", DAY.format("01-01"))],
        "subscriptions (id, user_pk, platform, tenant, channel_id, owner_pk, minute, tz, days,"
        " status, next_due, next_date, created_at, updated_at)": SUBS,
        "deliveries (id, sub_id, local_date, due_at, state, key, retry_at, updated_at)": [
            (i, s, d, 0, state, f"d{s}-{d.replace('-', '')}", 0, DAY.format("01-01"))
            for i, s, d, state in DELIVERIES
        ],
    }
    for into, values in rows.items():
        marks = ",".join("?" * len(values[0]))
        db.executemany(f"INSERT INTO {into} VALUES ({marks})", values)  # noqa: S608
    db.close()


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(sql, params).fetchall()
    db.close()
    return rows


async def test_a_discord_users_profiles_merge_into_one(
    tmp_path: Path, fixture_bank: Bank, clock: FakeClock
) -> None:
    path = tmp_path / "old.db"
    old_database(path)

    store = await Store.open(path)  # migrations run on open
    assert await store.schema_version() == LATEST
    assert await store.integrity_check() == []  # foreign keys included: nothing orphaned
    await store.close()

    assert query(
        path,
        "SELECT id, platform, tenant, user_id, display_name, tz, created_at FROM users ORDER BY id",
    ) == [  # fmt: skip
        (1, "discord", GLOBAL_TENANT, "42", "Ada", "Europe/Berlin", DAY.format("01-01")),
        (4, "discord", GLOBAL_TENANT, "77", "Bea", "UTC", DAY.format("01-02")),
        (5, "slack", "T1", "42", "Sam", "UTC", DAY.format("01-01")),
    ]
    assert query(path, "SELECT user_pk, skill_id, status FROM skill_status ORDER BY 1, 2") == [
        (1, "python", "learning"),
        (1, "pytorch", "done"),
        (1, "rust", "done"),
        (5, "kubernetes", "done"),
    ]
    assert query(path, "SELECT * FROM tip_views ORDER BY 1, 2") == [
        (1, "t001", 3, DAY.format("01-02"), DAY.format("02-01")),
        (1, "t003", 1, DAY.format("01-06"), DAY.format("01-06")),
    ]
    assert query(path, "SELECT user_pk, tip_id, vote, saved_at FROM tip_marks ORDER BY 1, 2") == [
        (1, "t001", 1, DAY.format("01-02")),  # the earliest save, and the vote
        (1, "t002", -1, None),
        (1, "t004", 0, DAY.format("02-02")),
    ]
    assert query(path, "SELECT * FROM roadmap_done ORDER BY 1, 2") == [
        (1, "frameworks", DAY.format("01-09")),
        (1, "programming", DAY.format("01-04")),
    ]
    assert query(path, "SELECT * FROM activity ORDER BY 1, 2") == [
        (1, "2026-02-01"),
        (1, "2026-02-02"),
        (1, "2026-02-03"),
    ]
    # one daily tip kept: the most recently changed that is on (server 1000's), now the
    # user's; the channel subscription stays in its server, set up by the merged profile
    assert query(
        path,
        "SELECT id, user_pk, tenant, channel_id, owner_pk, minute, status"
        " FROM subscriptions ORDER BY id",
    ) == [  # fmt: skip
        (2, 1, GLOBAL_TENANT, None, None, 8 * 60, "active"),
        (4, None, "2000", "555", 1, 10 * 60, "active"),
        (5, 4, GLOBAL_TENANT, None, None, 6 * 60, "active"),
    ]
    # its ledger: one row per date, the one that got furthest; keys stay unique
    assert query(path, "SELECT id, sub_id, local_date, state FROM deliveries ORDER BY id") == [
        (1, 2, "2026-02-27", "sent"),
        (2, 2, "2026-03-02", "sent"),
        (3, 2, "2026-03-01", "sent"),
        (7, 4, "2026-03-01", "sent"),
    ]
    # the dropped subscription that was on is reported; the one that was off is not
    [(old,), (merged,)] = query(path, "SELECT text FROM notices WHERE user_pk = 1 ORDER BY id")
    assert old == "an older notice"
    assert "kept 08:00 UTC, every day and dropped 07:00 Europe/Berlin, weekdays" in merged
    assert "09:00" not in merged
    assert query(path, "SELECT count(*) FROM notices WHERE user_pk != 1") == [(0,)]

    # the bot sees one profile: from a server or a DM, the same saved tips and notices
    store = await Store.open(path)
    core = Core(fixture_bank, store, clock=clock)
    ada = User("discord", GLOBAL_TENANT, "42", "Ada")
    first = await core.respond(Request(ada, "saved", workspace="1000", is_dm=False))
    assert [f.name[:4] for f in first.fields] == ["t004", "t001"]
    assert first.notices == ("an older notice", merged)
    again = await core.respond(Request(ada, "next"))
    assert again.notices == ()
    assert "08:00 UTC" in again.body
    await store.close()


async def test_the_merge_knows_every_table_that_references_users(tmp_path: Path) -> None:
    """A new per-user table must be merged too (add it to USER_TABLES and the merge)."""
    store = await Store.open(tmp_path / "new.db")
    await store.close()
    with sqlite3.connect(tmp_path / "new.db") as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found: dict[str, tuple[str, ...]] = {}
        for table in tables:
            refs = db.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,)).fetchall()
            cols = tuple(sorted(r[3] for r in refs if r[2] == "users"))
            if cols:
                found[table] = cols
    db.close()
    assert found == {t: tuple(sorted(c)) for t, c in USER_TABLES.items()}


async def test_a_database_without_discord_users_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "slack.db"
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, target=2) == 2
    db.execute(
        "INSERT INTO users (platform, tenant, user_id, created_at)"
        " VALUES ('slack', 'T1', 'U1', 'x')"
    )
    db.execute("INSERT INTO activity VALUES (1, '2026-02-01')")
    db.close()
    store = await Store.open(path)
    await store.close()
    assert query(path, "SELECT id, platform, tenant, user_id FROM users") == [
        (1, "slack", "T1", "U1")
    ]
    assert query(path, "SELECT * FROM activity") == [(1, "2026-02-01")]
    assert query(path, "SELECT name FROM sqlite_temp_master") == []


async def test_with_kinds_of_subscription_the_merge_keeps_one_of_each_kind(tmp_path: Path) -> None:
    """The rule applied to a schema whose subscriptions have kinds (the weekly report):
    one daily tip AND one weekly report are kept, and only a dropped daily tip is told."""
    path = tmp_path / "kinds.db"
    store = await Store.open(path)  # the latest schema
    await store.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.executemany(
        "INSERT INTO users (id, platform, tenant, user_id, display_name, tz, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        USERS[:2],
    )
    subs = [  # (id, user, kind, status, updated)
        (1, 1, "daily", "active", DAY.format("01-01")),
        (2, 2, "daily", "active", DAY.format("01-05")),
        (3, 1, "weekly", "active", DAY.format("01-02")),
        (4, 2, "weekly", "off", DAY.format("01-09")),
    ]
    db.executemany(
        "INSERT INTO subscriptions (id, user_pk, platform, tenant, minute, tz, days, status,"
        " next_due, next_date, created_at, updated_at, kind)"
        " VALUES (?, ?, 'discord', 'x', 600, 'UTC', 16, ?, 1, '2026-03-06', 'x', ?, ?)",
        [(i, u, status, updated, kind) for i, u, kind, status, updated in subs],
    )
    db.execute("BEGIN")
    merge_discord_profiles(db)
    db.execute("COMMIT")
    db.close()
    assert query(path, "SELECT id, user_pk, kind FROM subscriptions ORDER BY id") == [
        (2, 1, "daily"),  # the daily changed last
        (3, 1, "weekly"),  # the weekly report that is on
    ]
    [notice] = query(path, "SELECT text FROM notices")
    assert "You had 2 daily tips set up" in notice[0]

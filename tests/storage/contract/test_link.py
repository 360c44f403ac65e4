"""Contract: the link merge knows every table and column it must (both backends), and
forget / export / a workspace's purge treat a linked profile as documented."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bot.core.ports import Store, UnitOfWork
from bot.core.records import Linked, Prefs
from bot.storage.link import (
    ACCOUNT_COLUMNS,
    LEDGER_COLUMNS,
    PROFILE_COLUMNS,
    RULES,
    SUBSCRIPTION_COLUMNS,
)
from tests.storage.contract.conftest import Backend
from tests.storage.contract.test_users import NOW

# (table, column) pairs whose column references users(id), and every table's columns
SCHEMA = {
    "sqlite": (
        """SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
           WHERE m.type = 'table' AND f."table" = 'users'""",
        "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c"
        " WHERE m.type = 'table'",
    ),
    "postgres": (
        """SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu
             ON kcu.constraint_name = tc.constraint_name
           JOIN information_schema.constraint_column_usage ccu
             ON ccu.constraint_name = tc.constraint_name
           WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'users'
             AND tc.table_schema = current_schema()""",
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()",
    ),
}


def _schema(tx: UnitOfWork, kind: str) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    repo: Any = tx.users
    refs_sql, cols_sql = SCHEMA[kind]
    refs = {(r[0], r[1]) for r in repo.fetchall(refs_sql)}
    cols: dict[str, set[str]] = {}
    for table, col in repo.fetchall(cols_sql):
        cols.setdefault(table, set()).add(col)
    return refs, cols


async def test_the_link_merge_knows_every_table_and_column(backend: Backend, store: Store) -> None:
    """A table that references users needs a rule in bot/storage/link.py RULES; a users
    column a side (account or profile); a subscriptions or ledger column a thought in
    link()."""
    kind = "sqlite" if type(backend).__name__.startswith("Sqlite") else "postgres"
    refs, cols = await store.run(lambda tx: _schema(tx, kind))
    assert refs == {(t, c) for t, rule in RULES.items() for c in rule.refs}
    for table, rule in RULES.items():
        if rule.kind == "profile":  # merged and copied column by column
            assert cols[table] == {"user_pk", *rule.columns}, table
    assert cols["users"] == {*ACCOUNT_COLUMNS, *PROFILE_COLUMNS}
    assert cols["subscriptions"] == set(SUBSCRIPTION_COLUMNS)
    assert cols["deliveries"] == set(LEDGER_COLUMNS)


def two_linked(tx: UnitOfWork) -> tuple[int, int, int]:
    slack = tx.users.user("slack", "T1", "U1", "Ada", NOW, "Europe/Berlin").pk
    discord = tx.users.user("discord", "global", "42", "ada", NOW).pk
    tx.progress.set_skill(discord, "rust", "done", NOW)
    tx.links.issue(slack, "h1", 100, 700)
    done = tx.links.link("h1", discord, 200)
    assert done is not None and done.profile_pk == slack  # the older profile stays
    assert tx.users.find_user("discord", "global", "42") == slack
    assert tx.users.user("discord", "global", "42", "ada", NOW).pk == slack
    return slack, discord, done.profile_pk


async def test_link_then_export_and_forget(store: Store) -> None:
    slack, discord, profile = await store.run(two_linked)
    data = await store.run(lambda tx: tx.users.export(profile))
    assert [a["platform"] for a in data["linked_accounts"]] == ["discord"]
    assert data["skills"][0]["skill_id"] == "rust"
    assert data["link_codes"][0]["used_at"] == 200
    code = await store.run(lambda tx: tx.links.code("h1"))
    assert code is not None and code.used_at == 200 and code.identity.pk == slack
    await store.run(lambda tx: tx.users.forget(profile))
    gone = await store.run(lambda tx: tx.links.identity("discord", "global", "42"))
    assert gone is None
    assert await store.integrity_check() == []


async def test_a_workspace_purge_leaves_the_linked_account_elsewhere(store: Store) -> None:
    slack, discord, _ = await store.run(two_linked)
    assert await store.run(lambda tx: tx.installations.forget("slack", "T1")) == 1

    def after(tx: UnitOfWork) -> None:
        me = tx.links.identity("discord", "global", "42")
        assert me is not None and me.profile_pk == discord
        assert tx.progress.skill_statuses(discord) == {"rust": "done"}
        assert tx.users.find_user("slack", "T1", "U1") is None

    await store.run(after)
    assert await store.integrity_check() == []


def _sub(tx: UnitOfWork, pk: int, platform: str, tenant: str, minute: int) -> int:
    return tx.subscriptions.save_user(
        user_pk=pk, platform=platform, tenant=tenant, minute=minute, tz="UTC", days=127,
        next_due=1, next_date="2026-03-03", now=NOW,
    )  # fmt: skip


async def test_one_daily_kept_its_ledger_merged_notices_moved(store: Store) -> None:
    def setup(tx: UnitOfWork) -> tuple[int, int, int, int]:
        slack = tx.users.user("slack", "T1", "U1", "Ada", NOW).pk  # no zone yet
        discord = tx.users.user("discord", "global", "42", "ada", NOW, "Asia/Tokyo").pk
        kept = _sub(tx, discord, "discord", "global", 420)  # changed last: kept
        older = _sub(tx, slack, "slack", "T1", 480)
        tx.subscriptions.set_status(older, "active", "", NOW.replace(year=2025))
        tx.deliveries.insert(older, "2026-03-02", 1, "sent", NOW)  # sent on Slack today
        tx.deliveries.insert(kept, "2026-03-02", 1, "pending", NOW)  # not yet on Discord
        tx.deliveries.insert(older, "2026-03-01", 1, "sent", NOW)
        tx.deliveries.insert(kept, "2026-03-01", 1, "failed", NOW)
        tx.users.push_notice(discord, "for Ada", NOW)
        tx.links.issue(discord, "h", 100, 700)
        return slack, discord, kept, older

    slack, discord, kept, older = await store.run(setup)
    done = await store.run(lambda tx: tx.links.link("h", slack, 200))
    assert done is not None and done.profile_pk == slack
    assert done.kept is not None and done.kept.id == kept and done.kept.platform == "discord"
    assert done.dropped is not None and done.dropped.id == older

    def after(tx: UnitOfWork) -> None:
        sub = tx.subscriptions.of_user(slack)
        assert sub is not None and sub.id == kept
        assert (sub.platform, sub.user_id) == ("discord", "42")  # the DM still goes there
        assert tx.subscriptions.get(older) is None
        # per date the row that got furthest: Slack's sent tip today, no second one
        assert tx.deliveries.states(kept) == {"2026-03-01": "sent", "2026-03-02": "sent"}
        assert tx.users.pop_notices(slack) == ["for Ada"]
        assert tx.users.user("slack", "T1", "U1", "Ada", NOW).tz == "Asia/Tokyo"

    await store.run(after)
    assert await store.integrity_check() == []


async def test_unlink_of_the_profiles_own_account_passes_it_on(store: Store) -> None:
    def setup(tx: UnitOfWork) -> tuple[int, int, int]:
        a = tx.users.user("slack", "T1", "U1", "Ada", NOW).pk
        b = tx.users.user("discord", "global", "42", "ada", NOW).pk
        c = tx.users.user("slack", "T2", "U7", "Ada", NOW).pk
        tx.links.issue(a, "h1", 100, 700)
        tx.links.link("h1", b, 100)
        tx.links.issue(b, "h2", 100, 700)
        tx.links.link("h2", c, 100)
        tx.progress.set_skill(a, "rust", "learning", NOW)
        _sub(tx, a, "discord", "global", 420)  # set up on Discord
        return a, b, c

    a, b, c = await store.run(setup)
    assert [i.pk for i in await store.run(lambda tx: tx.links.identities(a))] == [a, b, c]
    assert await store.run(lambda tx: tx.links.unlink(a))  # the profile's own account

    def after(tx: UnitOfWork) -> None:
        assert [i.pk for i in tx.links.identities(b)] == [b, c]  # the heir: next oldest
        assert [i.pk for i in tx.links.identities(a)] == [a]
        for pk in (a, b):
            assert tx.progress.skill_statuses(pk) == {"rust": "learning"}  # both a copy
        sub = tx.subscriptions.of_user(b)  # the daily tip stays on Discord
        assert sub is not None and sub.user_id == "42"
        assert tx.subscriptions.of_user(a) is None
        assert not tx.links.unlink(a)

    await store.run(after)
    assert await store.integrity_check() == []


async def test_a_code_links_once(store: Store) -> None:
    """The use is checked where it is recorded (a concurrent second unit waits on the
    code's row, then finds it used): link() answers None and changes nothing."""

    def twice(tx: UnitOfWork) -> None:
        a = tx.users.user("slack", "T1", "U1", "Ada", NOW).pk
        b = tx.users.user("discord", "global", "42", "ada", NOW).pk
        c = tx.users.user("slack", "T2", "U9", "Eve", NOW).pk
        tx.links.issue(a, "h", 100, 700)
        assert tx.links.link("h", b, 200) is not None
        assert tx.links.link("h", c, 201) is None
        assert [i.pk for i in tx.links.identities(a)] == [a, b]
        me = tx.links.identity("slack", "T2", "U9")
        assert me is not None and me.profile_pk == c

    await store.run(twice)


ACCOUNTS = (("slack", "T1", "U1"), ("discord", "global", "42"))


def next_skill_as(key: tuple[str, str, str]) -> Callable[[UnitOfWork], int]:
    """A read-modify-write of the shared profile through one of its accounts."""

    def unit(tx: UnitOfWork) -> int:
        pk = tx.users.user(*key, "ada", NOW).pk
        n = len(tx.progress.skill_statuses(pk))
        tx.progress.set_skill(pk, f"skill{n}", "learning", NOW)
        return n

    return unit


async def test_commands_of_linked_accounts_are_serialized(backend: Backend) -> None:
    """Two accounts of one profile, on two stores: no update of the profile is lost."""
    a, b = await backend.open(), await backend.open()
    try:
        await a.run(two_linked)
        n = 60
        seen = await asyncio.gather(
            *((a if i % 2 else b).run(next_skill_as(ACCOUNTS[i % 2])) for i in range(n))
        )
        assert sorted(seen) == list(range(1, n + 1))  # 'rust' was there: counts from 1
    finally:
        await a.close()
        await b.close()


async def test_one_code_given_by_many_at_once_links_one(backend: Backend) -> None:
    a, b = await backend.open(), await backend.open()
    try:

        def issue(tx: UnitOfWork) -> None:
            pk = tx.users.user("slack", "T1", "U1", "Ada", NOW).pk
            tx.links.issue(pk, "h", 100, 700)

        await a.run(issue)

        def redeem(i: int) -> Callable[[UnitOfWork], bool]:
            def unit(tx: UnitOfWork) -> bool:
                me = tx.users.user("slack", f"W{i}", "U", "x", NOW)
                who = tx.links.identity("slack", f"W{i}", "U")
                assert who is not None and who.profile_pk == me.pk
                return tx.links.link("h", who.pk, 200) is not None

            return unit

        won = await asyncio.gather(*((a if i % 2 else b).run(redeem(i)) for i in range(12)))
        assert sum(won) == 1
        found = await a.run(lambda tx: tx.links.identities(_pk(tx)))
        assert len(found) == 2
    finally:
        await a.close()
        await b.close()


def _pk(tx: UnitOfWork) -> int:
    pk = tx.users.find_user("slack", "T1", "U1")
    assert pk is not None
    return pk


async def test_every_merge_rule(store: Store) -> None:
    """Per table, what the kept profile holds after link (read back through export)."""
    early, late = NOW.replace(day=1), NOW.replace(day=2)

    def setup(tx: UnitOfWork) -> tuple[int, int]:
        a = tx.users.user("slack", "T1", "U1", "Ada", early).pk  # older: kept
        b = tx.users.user("discord", "global", "42", "ada", late).pk
        tx.progress.set_skill(a, "rust", "done", early)  # done beats a later learning
        tx.progress.set_skill(b, "rust", "learning", late)
        tx.progress.set_skill(a, "sql", "learning", early)  # else the later change
        tx.progress.set_skill(b, "sql", "learning", late)
        tx.progress.set_skill(b, "go", "done", late)  # only there: moves
        tx.tips.record_view(a, "t1", early)
        tx.tips.record_view(b, "t1", late)
        tx.tips.record_view(b, "t1", late)  # views add up; first and last the extremes
        tx.tips.set_saved(a, "t2", late)
        tx.tips.set_saved(b, "t2", early)  # the earliest save
        tx.tips.set_vote(a, "t3", 1)
        tx.tips.set_vote(b, "t3", -1)  # not helpful beats helpful
        tx.tips.set_vote(b, "t4", 1)  # a vote beats none
        tx.tips.set_saved(a, "t4", early)
        tx.progress.set_step(a, "s1", True, late)
        tx.progress.set_step(b, "s1", True, early)  # the earliest completion
        tx.progress.set_step(a, "s2", True, early)
        tx.progress.set_step(b, "s2", True, late)
        tx.users.record_activity(a, early.date())
        tx.users.record_activity(b, late.date())  # the union
        tx.users.record_activity(b, early.date())
        tx.links.issue(b, "h", 100, 700)
        assert tx.links.link("h", a, 200) is not None
        return a, b

    a, b = await store.run(setup)
    data = await store.run(lambda tx: tx.users.export(a))
    skills = {s["skill_id"]: (s["status"], s["updated_at"]) for s in data["skills"]}
    assert skills == {
        "rust": ("done", early.isoformat()),
        "sql": ("learning", late.isoformat()),
        "go": ("done", late.isoformat()),
    }
    [seen] = data["tips_seen"]
    assert (seen["times"], seen["first_seen"], seen["last_seen"]) == (
        3, early.isoformat(), late.isoformat()
    )  # fmt: skip
    marks = {m["tip_id"]: (m["vote"], m["saved_at"]) for m in data["tip_marks"]}
    assert marks == {
        "t2": (0, early.isoformat()),
        "t3": (-1, None),
        "t4": (1, early.isoformat()),
    }
    assert sorted(data["roadmap"], key=lambda r: r["step_id"]) == [
        {"step_id": "s1", "done_at": early.isoformat()},
        {"step_id": "s2", "done_at": early.isoformat()},
    ]
    assert [d["day"] for d in data["activity_days"]] == [
        early.date().isoformat(),
        late.date().isoformat(),
    ]
    # nothing is left on the other account's old profile
    left = await store.run(lambda tx: tx.users.export(b))
    assert all(not left[k] for k in ("skills", "tips_seen", "tip_marks", "roadmap"))


def _day(d: int) -> datetime:
    return datetime(2026, 3, d, 9, 0, tzinfo=UTC)


def _link(tx: UnitOfWork, code_of: int, typed_by: int) -> Linked:
    tx.links.issue(code_of, f"h{code_of}-{typed_by}", 100, 700)
    done = tx.links.link(f"h{code_of}-{typed_by}", typed_by, 200)
    assert done is not None
    return done


def _kind_sub(tx: UnitOfWork, pk: int, platform: str, tenant: str, kind: str, at: datetime) -> int:
    return tx.subscriptions.save_user(
        user_pk=pk, platform=platform, tenant=tenant, minute=960, tz="UTC", days=1 << 4,
        next_due=1, next_date="2026-03-06", now=at, kind=kind,
    )  # fmt: skip


def _ledger_row(tx: UnitOfWork, sub: int, day: str, review: tuple[str, int] | None) -> int:
    assert tx.deliveries.insert(sub, day, 1, "pending", NOW)
    [row] = [r for r in tx.deliveries.pending(1, ["slack", "discord"], 50) if r.local_date == day]
    tx.deliveries.claim(row.id, "t1", 0, NOW, review=review)
    return row.id


async def test_the_issue_14_records_merge(store: Store) -> None:
    """Level, vote times, spaced review, streak settings, quiet days, the weekly report
    and the ledger's review columns through link (the older profile is kept)."""

    def setup(tx: UnitOfWork) -> dict[str, int]:
        a = tx.users.user("slack", "T1", "U1", "Ada", _day(1)).pk  # older: kept
        b = tx.users.user("discord", "global", "42", "ada", _day(1)).pk
        tx.users.set_level(b, "early")  # the kept one has none: filled
        # votes and their times: the winning vote's time; of two equal, the earlier
        tx.tips.set_vote(a, "t5", 1, _day(5))
        tx.tips.set_vote(b, "t5", 1, _day(1))
        tx.tips.set_saved(a, "t6", _day(1))
        tx.tips.set_vote(b, "t6", 1, _day(5))  # a vote beats none: its time comes along
        tx.tips.set_vote(a, "t7", 1, _day(5))
        tx.tips.set_vote(b, "t7", -1, _day(1))  # not helpful wins: not in any week
        # spaced review: more answers, else the later due
        tx.tips.start_review(a, "r1", 100)
        tx.tips.start_review(b, "r1", 100)
        tx.tips.answer_review(
            b, "r1", seq=0, remembered=True, due_at=500, interval=3, ease=260, streak=1,
            now=_day(2),
        )  # fmt: skip
        tx.tips.start_review(a, "r2", 100)
        for seq in range(2):
            tx.tips.answer_review(
                a, "r2", seq=seq, remembered=True, due_at=900, interval=6, ease=270,
                streak=seq + 1, now=_day(3),
            )  # fmt: skip
        tx.tips.start_review(b, "r2", 100)
        tx.tips.answer_review(
            b, "r2", seq=0, remembered=False, due_at=50, interval=1, ease=230, streak=0,
            now=_day(3),
        )  # fmt: skip
        tx.tips.start_review(a, "r3", 100)
        tx.tips.start_review(b, "r3", 200)
        tx.tips.start_review(b, "r4", 300)  # only there: moves
        # streak settings: the kept one's, unset ones filled, away-skip if either
        tx.habits.set_prefs(a, Prefs(0, False, None, "Europe/Berlin"))
        tx.habits.set_prefs(b, Prefs(6, True, "2026-03-07", "Asia/Tokyo"))
        # quiet days: the union; skip beats away beats zone
        tx.habits.add_quiet(a, [date(2026, 3, 1)], "zone")
        tx.habits.add_quiet(a, [date(2026, 3, 2)], "skip")
        tx.habits.add_quiet(a, [date(2026, 3, 3)], "away")
        tx.habits.add_quiet(b, [date(2026, 3, 1)], "skip")
        tx.habits.add_quiet(b, [date(2026, 3, 2)], "away")
        tx.habits.add_quiet(b, [date(2026, 3, 3)], "zone")
        tx.habits.add_quiet(b, [date(2026, 3, 4)], "away")
        # one subscription per kind: the most recently changed that is on
        a_daily = _kind_sub(tx, a, "slack", "T1", "daily", _day(3))  # kept
        b_daily = _kind_sub(tx, b, "discord", "global", "daily", _day(2))
        a_weekly = _kind_sub(tx, a, "slack", "T1", "weekly", _day(2))
        b_weekly = _kind_sub(tx, b, "discord", "global", "weekly", _day(3))  # kept
        # ledgers: a row moves whole (its card's review too); a quiet day stays quiet
        moved = _ledger_row(tx, b_daily, "2026-03-02", ("r1", 1))
        tx.deliveries.finish(moved, "sent", NOW)
        _ledger_row(tx, a_daily, "2026-03-02", ("r2", 2))  # pending: loses to sent
        tx.deliveries.insert(a_daily, "2026-03-03", 1, "pending", NOW)
        tx.deliveries.insert(b_daily, "2026-03-03", 1, "quiet", NOW)
        tx.deliveries.insert(a_weekly, "2026-03-06", 1, "sent", NOW)
        tx.deliveries.insert(b_weekly, "2026-03-06", 1, "pending", NOW)
        done = _link(tx, b, a)
        assert done.profile_pk == a
        assert done.kept is not None and done.kept.id == a_daily
        assert done.dropped is not None and done.dropped.id == b_daily
        assert done.weekly_kept is not None and done.weekly_kept.id == b_weekly
        assert done.weekly_dropped is not None and done.weekly_dropped.id == a_weekly
        return {"a": a, "b": b, "moved": moved, "daily": a_daily, "weekly": b_weekly}

    ids = await store.run(setup)
    a = ids["a"]

    def after(tx: UnitOfWork) -> None:
        assert tx.users.level(a) == "early"
        assert tx.progress.changes(a, _day(4), _day(6)).helpful == ("t6",)
        assert tx.progress.changes(a, _day(1), _day(2)).helpful == ("t5",)
        assert tx.tips.marks(a)["t7"][0] == -1
        reviews = {r.tip_id: (r.answers, r.due_at, r.interval, r.ease) for r in tx.tips.reviews(a)}
        assert reviews == {
            "r1": (1, 500, 3, 260),
            "r2": (2, 900, 6, 270),
            "r3": (0, 200, 1, 250),
            "r4": (0, 300, 1, 250),
        }
        assert tx.habits.prefs(a) == Prefs(6, True, "2026-03-07", "Europe/Berlin")
        assert tx.habits.quiet_days(a) == {
            date(2026, 3, 1): "skip",
            date(2026, 3, 2): "skip",
            date(2026, 3, 3): "away",
            date(2026, 3, 4): "away",
        }
        daily = tx.subscriptions.of_user(a)
        weekly = tx.subscriptions.of_user(a, "weekly")
        assert daily is not None and daily.id == ids["daily"] and daily.platform == "slack"
        assert weekly is not None and weekly.id == ids["weekly"]
        assert (weekly.platform, weekly.user_id) == ("discord", "42")  # still goes there
        assert tx.deliveries.states(ids["daily"]) == {"2026-03-02": "sent", "2026-03-03": "quiet"}
        assert tx.deliveries.review_of(ids["moved"]) == ("r1", 1)
        assert tx.deliveries.states(ids["weekly"]) == {"2026-03-06": "sent"}
        for gone in ("b",):
            pk = ids[gone]
            assert tx.tips.reviews(pk) == [] and tx.habits.quiet_days(pk) == {}
            assert tx.habits.prefs(pk) == Prefs()

    await store.run(after)
    assert await store.integrity_check() == []


async def test_settings_both_profiles_set_stay_the_kept_ones(store: Store) -> None:
    def unit(tx: UnitOfWork) -> None:
        a = tx.users.user("slack", "T1", "U1", "Ada", _day(1)).pk
        b = tx.users.user("discord", "global", "42", "ada", _day(1)).pk
        tx.users.set_level(a, "aspiring")
        tx.users.set_level(b, "experienced")
        tx.habits.set_prefs(a, Prefs(4, False, "2026-02-01", None))
        tx.habits.set_prefs(b, Prefs(6, False, "2026-03-07", "UTC"))
        _link(tx, a, b)
        assert tx.users.level(a) == "aspiring"
        assert tx.habits.prefs(a) == Prefs(4, False, "2026-02-01", "UTC")
        c = tx.users.user("slack", "T2", "U3", "Ada", _day(1)).pk
        tx.habits.set_prefs(c, Prefs(7, True, None, None))  # only the newer one has any
        _link(tx, c, a)
        assert tx.habits.prefs(a) == Prefs(4, True, "2026-02-01", "UTC")

    await store.run(unit)


async def test_unlink_copies_the_issue_14_records(store: Store) -> None:
    """The account that leaves takes a copy of level, votes with their times, reviews,
    streak settings and quiet days; its weekly report stays with it."""

    def setup(tx: UnitOfWork) -> tuple[int, int]:
        a = tx.users.user("slack", "T1", "U1", "Ada", _day(1)).pk
        b = tx.users.user("discord", "global", "42", "ada", _day(1)).pk
        _link(tx, b, a)
        me = tx.users.user("discord", "global", "42", "ada", _day(1)).pk  # the profile: a
        tx.users.set_level(me, "early")
        tx.tips.set_vote(me, "t5", 1, _day(5))
        tx.tips.start_review(me, "r1", 100)
        tx.habits.set_prefs(me, Prefs(6, True, "2026-03-07", "UTC"))
        tx.habits.add_quiet(me, [date(2026, 3, 2)], "skip")
        weekly = _kind_sub(tx, me, "discord", "global", "weekly", _day(3))
        assert tx.links.unlink(b)
        return a, weekly

    a, weekly = await store.run(setup)
    b = await store.run(lambda tx: tx.users.user("discord", "global", "42", "ada", _day(1)).pk)

    def after(tx: UnitOfWork) -> None:
        assert b != a
        for pk in (a, b):  # both a copy
            assert tx.users.level(pk) == "early"
            assert tx.progress.changes(pk, _day(4), _day(6)).helpful == ("t5",)
            assert [(r.tip_id, r.due_at) for r in tx.tips.reviews(pk)] == [("r1", 100)]
            assert tx.habits.prefs(pk) == Prefs(6, True, "2026-03-07", "UTC")
            assert tx.habits.quiet_days(pk) == {date(2026, 3, 2): "skip"}
        sub = tx.subscriptions.of_user(b, "weekly")  # the report stays on Discord
        assert sub is not None and sub.id == weekly and sub.user_id == "42"
        assert tx.subscriptions.of_user(a, "weekly") is None

    await store.run(after)
    assert await store.integrity_check() == []

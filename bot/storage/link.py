"""One profile across platforms (``link`` / ``unlink``), the same code for both stores.

An account is a ``users`` row (platform, tenant, user id). ``users.profile_pk`` is NULL
for an account that uses its own profile, else the id of the account whose profile it
uses (always a lower id: the older profile stays, so a copy in id order never meets a
reference to a row not written yet). Every per-user record belongs to the profile; a
user's subscription (the daily tip, the weekly report) belongs to the profile too
(``user_pk``) and ``identity_pk`` names the account it delivers to when that is not the
profile's own.

``link`` merges the newer profile into the older with the rules of migration 3
(:mod:`bot.storage.sqlite.profile_merge`), see :data:`RULES`:

- skills: done beats learning, else the later change; tips seen: views add up; tip
  marks: the earliest save, a vote beats none and "not helpful" beats "helpful", and
  the vote's time (``voted_at``, the weekly report's "voted Helpful this week") comes
  with the vote that wins (of two equal votes the earlier time); roadmap steps: the
  earliest completion; activity days (streaks): the union;
- spaced review (``tip_reviews``): per tip the state that got further, the one with more
  answers, else the later due date (all its columns together: interval, ease and
  streak only make sense as one);
- streak settings (``user_prefs``, one row per profile): the kept profile's, each unset
  one filled from the other's (a day start of 0, the default midnight, counts as unset;
  quiet weekends and the zone of the last streak day when NULL); away-skip is on if it
  was on for either;
- quiet days (streaks): the union; on a date both have, the user's own ``skip`` beats
  ``away``, which beats ``zone`` (a skip is a plan ``daily unskip`` can still undo);
- notices and the channel subscriptions the user set up as an admin move over;
- subscriptions: ONE per kind is kept (one daily tip, one weekly report), the most
  recently changed that is not off; the dropped one's ledger merges into it per local
  date, the row that got furthest winning (:data:`DELIVERY_RANK`), so nobody gets a
  second tip or report that day. A ledger row moves whole: the review its card carried
  (``review_tip_id``, ``review_seq``) goes with it (a card whose review state lost the
  merge answers "already answered", as a stale one does);
- the profile's settings (:data:`PROFILE_COLUMNS`: the zone, the tip ``level``): the
  older profile's, else the other's.

``unlink`` gives the account a profile of its own again: a copy of every ``profile``
table (skills, tips, marks, reviews, roadmap, activity, streak settings, quiet days) and
of the profile's settings as they are now (both then diverge); a subscription of either
kind stays with the account it delivers to; notices stay with the shared profile.

Every table that references ``users`` must have a rule here, every ``users`` column a
side (account or profile) and every ``subscriptions`` column be known: the contract test
``tests/storage/contract/test_link.py`` reads each store's schema and fails otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.core.records import Identity, LinkCode, Linked, SubRow

Kind = Literal["profile", "move", "daily", "account"]


def _least(a: str, b: str) -> str:
    return f"CASE WHEN {b} < {a} THEN {b} ELSE {a} END"


def _greatest(a: str, b: str) -> str:
    return f"CASE WHEN {b} > {a} THEN {b} ELSE {a} END"


def _earliest_set(a: str, b: str) -> str:
    """The earlier of two optional ISO instants (NULL: never)."""
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} ELSE {_least(a, b)} END"


# the other profile's vote wins over the kept one's (see tip_marks below)
_OTHER_VOTE_WINS = (
    "(tip_marks.vote = 0 AND excluded.vote <> 0)"
    " OR (excluded.vote <> 0 AND excluded.vote < tip_marks.vote)"
)


@dataclass(frozen=True, slots=True)
class Rule:
    """How ``link`` treats a table that references ``users``.

    ``profile``: per-user rows keyed by (user_pk, *key): merged with ``merge`` (an
    ``ON CONFLICT … DO UPDATE`` tail; empty: the older profile's row stays) and copied
    by unlink. ``move``: rows move to the kept profile. ``daily``: subscriptions (one
    kept per kind, see :func:`link`). ``account``: rows of one account, untouched.
    """

    kind: Kind
    refs: tuple[str, ...] = ("user_pk",)  # its columns that reference users(id)
    key: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # profile tables: every column but user_pk
    merge: str = ""


RULES: dict[str, Rule] = {
    "skill_status": Rule(
        "profile",
        key=("skill_id",),
        columns=("skill_id", "status", "updated_at"),
        merge="status = excluded.status, updated_at = excluded.updated_at"
        " WHERE (excluded.status = 'done', excluded.updated_at)"
        " > (skill_status.status = 'done', skill_status.updated_at)",
    ),
    "tip_views": Rule(
        "profile",
        key=("tip_id",),
        columns=("tip_id", "times", "first_seen", "last_seen"),
        merge="times = tip_views.times + excluded.times,"
        f" first_seen = {_least('tip_views.first_seen', 'excluded.first_seen')},"
        f" last_seen = {_greatest('tip_views.last_seen', 'excluded.last_seen')}",
    ),
    "tip_marks": Rule(
        "profile",
        key=("tip_id",),
        columns=("tip_id", "vote", "saved_at", "voted_at"),
        merge="vote = CASE WHEN tip_marks.vote = 0 THEN excluded.vote"
        " WHEN excluded.vote = 0 THEN tip_marks.vote"
        f" ELSE {_least('tip_marks.vote', 'excluded.vote')} END,"
        f" voted_at = CASE WHEN {_OTHER_VOTE_WINS} THEN excluded.voted_at"
        " WHEN excluded.vote = tip_marks.vote AND excluded.vote <> 0"
        f" THEN {_earliest_set('tip_marks.voted_at', 'excluded.voted_at')}"
        " ELSE tip_marks.voted_at END,"
        f" saved_at = {_earliest_set('tip_marks.saved_at', 'excluded.saved_at')}",
    ),
    "tip_reviews": Rule(
        "profile",
        key=("tip_id",),
        columns=(
            "tip_id",
            "due_at",
            "interval_days",
            "ease",
            "streak",
            "answers",
            "remembered",
            "reviewed_at",
            "carried_on",
        ),  # fmt: skip
        merge="due_at = excluded.due_at, interval_days = excluded.interval_days,"
        " ease = excluded.ease, streak = excluded.streak, answers = excluded.answers,"
        " remembered = excluded.remembered, reviewed_at = excluded.reviewed_at,"
        " carried_on = excluded.carried_on"
        " WHERE (excluded.answers, excluded.due_at) > (tip_reviews.answers, tip_reviews.due_at)",
    ),
    "user_prefs": Rule(
        "profile",
        columns=("day_start", "away_skip", "weekends_since", "days_zone"),
        merge="day_start = CASE WHEN user_prefs.day_start = 0 THEN excluded.day_start"
        " ELSE user_prefs.day_start END,"
        f" away_skip = {_greatest('user_prefs.away_skip', 'excluded.away_skip')},"
        " weekends_since = coalesce(user_prefs.weekends_since, excluded.weekends_since),"
        " days_zone = coalesce(user_prefs.days_zone, excluded.days_zone)",
    ),
    "quiet_days": Rule(
        "profile",
        key=("day",),
        columns=("day", "kind"),
        merge="kind = excluded.kind WHERE excluded.kind = 'skip'"
        " OR (excluded.kind = 'away' AND quiet_days.kind = 'zone')",
    ),
    "roadmap_done": Rule(
        "profile",
        key=("step_id",),
        columns=("step_id", "done_at"),
        merge=f"done_at = {_least('roadmap_done.done_at', 'excluded.done_at')}",
    ),
    "activity": Rule("profile", key=("day",), columns=("day",)),
    "notices": Rule("move"),
    "subscriptions": Rule("daily", refs=("identity_pk", "owner_pk", "user_pk")),
    "link_codes": Rule("account", refs=("identity_pk",)),
    "users": Rule("account", refs=("profile_pk",)),
}

# ``users`` columns: the account's own, and the profile's settings (the kept profile's
# value, else the other's; copied by unlink). A new column must be added to one of them.
ACCOUNT_COLUMNS = (
    "id",
    "platform",
    "tenant",
    "user_id",
    "display_name",
    "created_at",
    "profile_pk",
)
PROFILE_COLUMNS = ("tz", "level")
# ``subscriptions`` columns :func:`link` knows how to keep one of (a new one needs a
# thought there first; ``kind``: one subscription is kept per kind).
SUBSCRIPTION_COLUMNS = (
    "id", "user_pk", "platform", "tenant", "channel_id", "owner_pk", "minute", "tz", "days",
    "status", "paused_until", "next_due", "next_date", "missed", "reason", "created_at",
    "updated_at", "identity_pk", "kind",
)  # fmt: skip
# ``deliveries`` columns: a ledger row moves whole to the kept subscription (its key
# stays unique: it names the subscription it was written for).
LEDGER_COLUMNS = (
    "id", "sub_id", "local_date", "due_at", "state", "key", "tip_id", "missed", "attempts",
    "retry_at", "message_id", "detail", "updated_at", "review_tip_id", "review_seq",
)  # fmt: skip

# How far a delivery got: on a date held by two ledgers the further one is kept. A day
# the user skipped ('quiet') or was away stays so rather than a second try going out.
DELIVERY_RANK = {"sent": 5, "quiet": 4, "away": 3, "pending": 2, "skipped": 1, "failed": 0}
KINDS = ("daily", "weekly")  # of a user's subscriptions, one each
CODES_KEPT = 86_400  # seconds a code is remembered after it expired ("expired", not "wrong")


class Db(Protocol):
    """A store's repository: SQL on the running unit's transaction."""

    def fetchall(self, sql: Any, params: tuple[Any, ...] = ()) -> list[Any]: ...

    def fetchone(self, sql: Any, params: tuple[Any, ...] = ()) -> Any: ...

    def execute(self, sql: Any, params: tuple[Any, ...] = ()) -> int: ...


ACCOUNT = "id, coalesce(profile_pk, id), platform, tenant, user_id, display_name"


def _identity(row: Any) -> Identity:
    return Identity(int(row[0]), int(row[1]), row[2], row[3], row[4], row[5])


class StoreLinks:
    """:class:`bot.core.ports.Links` on a store's repository (``mark``: its placeholder)."""

    __slots__ = ("_db", "_mark", "_sub")

    def __init__(self, db: Db, mark: str, sub: Callable[[int], SubRow | None]) -> None:
        self._db = db
        self._mark = mark
        self._sub = sub  # Subscriptions.get

    # SQL is written with ``?``; identifiers are this module's constants
    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return self._db.fetchall(sql.replace("?", self._mark), params)

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self._db.fetchone(sql.replace("?", self._mark), params)

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self._db.execute(sql.replace("?", self._mark), params)

    # accounts --------------------------------------------------------------------------

    def identity(self, platform: str, tenant: str, user_id: str) -> Identity | None:
        row = self._one(
            f"SELECT {ACCOUNT} FROM users WHERE platform = ? AND tenant = ? AND user_id = ?",  # noqa: S608
            (platform, tenant, user_id),
        )
        return _identity(row) if row else None

    def identities(self, profile_pk: int) -> list[Identity]:
        rows = self._all(
            f"SELECT {ACCOUNT} FROM users WHERE id = ? OR profile_pk = ? ORDER BY id",  # noqa: S608
            (profile_pk, profile_pk),
        )
        return [_identity(r) for r in rows]

    # codes -----------------------------------------------------------------------------

    def issue(self, identity_pk: int, code_hash: str, now: int, expires_at: int) -> None:
        self._run("DELETE FROM link_codes WHERE expires_at < ?", (now - CODES_KEPT,))
        self._run(  # the account's earlier codes expire now
            "UPDATE link_codes SET expires_at = ? WHERE identity_pk = ? AND used_at IS NULL"
            " AND expires_at > ?",
            (now, identity_pk, now),
        )
        self._run(
            """INSERT INTO link_codes (code_hash, identity_pk, created_at, expires_at)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (code_hash) DO UPDATE SET identity_pk = excluded.identity_pk,
                 created_at = excluded.created_at, expires_at = excluded.expires_at,
                 used_at = NULL""",
            (code_hash, identity_pk, now, expires_at),
        )

    def code(self, code_hash: str) -> LinkCode | None:
        row = self._one(
            """SELECT c.expires_at, c.used_at, u.id, coalesce(u.profile_pk, u.id), u.platform,
                      u.tenant, u.user_id, u.display_name
               FROM link_codes c JOIN users u ON u.id = c.identity_pk WHERE c.code_hash = ?""",
            (code_hash,),
        )
        if row is None:
            return None
        used = None if row[1] is None else int(row[1])
        return LinkCode(_identity(row[2:]), int(row[0]), used)

    def failures(self, platform: str, tenant: str, user_id: str, since: int) -> tuple[int, int]:
        mine = self._one(
            "SELECT count(*) FROM link_failures WHERE platform = ? AND tenant = ?"
            " AND user_id = ? AND at >= ?",
            (platform, tenant, user_id, since),
        )
        everyone = self._one("SELECT count(*) FROM link_failures WHERE at >= ?", (since,))
        return int(mine[0]), int(everyone[0])

    def fail(self, platform: str, tenant: str, user_id: str, now: int, keep_after: int) -> None:
        self._run("DELETE FROM link_failures WHERE at < ?", (keep_after,))
        self._run(
            "INSERT INTO link_failures (platform, tenant, user_id, at) VALUES (?, ?, ?, ?)",
            (platform, tenant, user_id, now),
        )

    # link ------------------------------------------------------------------------------

    def link(self, code_hash: str, identity_pk: int, now: int) -> Linked | None:
        # use the code up first: of two units given the same code at once, the second
        # waits for the first (the row lock) and then finds it used
        if not self._run(
            "UPDATE link_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
            (now, code_hash),
        ):
            return None
        row = self._one(
            """SELECT coalesce(u.profile_pk, u.id) FROM link_codes c
               JOIN users u ON u.id = c.identity_pk WHERE c.code_hash = ?""",
            (code_hash,),
        )
        mine = self._one("SELECT coalesce(profile_pk, id) FROM users WHERE id = ?", (identity_pk,))
        if row is None or mine is None:
            raise LookupError("no such code or account")
        a, b = int(row[0]), int(mine[0])
        if a == b:
            raise ValueError("already one profile")
        keep, other = min(a, b), max(a, b)
        if self._mark == "%s":  # PostgreSQL: the code's profile too waits for our commit
            # (the caller's command holds its own account and profile rows already;
            # SQLite's single writer needs nothing)
            self._all(
                "SELECT id FROM users WHERE id = ? OR id = ? ORDER BY id FOR NO KEY UPDATE",
                (keep, other),
            )
        kept = {kind: self._one_of_kind(kind, keep, other) for kind in KINDS}
        for table, rule in RULES.items():
            if rule.kind == "profile":
                self._merge_rows(table, rule, keep, other)
        self._run("UPDATE notices SET user_pk = ? WHERE user_pk = ?", (keep, other))
        self._run("UPDATE subscriptions SET owner_pk = ? WHERE owner_pk = ?", (keep, other))
        for col in PROFILE_COLUMNS:
            self._run(
                f"UPDATE users SET {col} = coalesce({col}, (SELECT {col} FROM users"  # noqa: S608
                " WHERE id = ?)) WHERE id = ?",
                (other, keep),
            )
        self._run("UPDATE users SET profile_pk = ? WHERE profile_pk = ?", (keep, other))
        self._run("UPDATE users SET profile_pk = ? WHERE id = ?", (keep, other))
        return Linked(keep, *kept["daily"], *kept["weekly"])

    def _merge_rows(self, table: str, rule: Rule, keep: int, other: int) -> None:
        cols = ", ".join(rule.columns)
        target = ", ".join(("user_pk", *rule.key))
        action = f"UPDATE SET {rule.merge}" if rule.merge else "NOTHING"
        self._run(
            f"INSERT INTO {table} (user_pk, {cols}) SELECT ?, {cols} FROM {table}"  # noqa: S608
            f" WHERE user_pk = ? ON CONFLICT ({target}) DO {action}",
            (keep, other),
        )
        self._run(f"DELETE FROM {table} WHERE user_pk = ?", (other,))  # noqa: S608

    def _one_of_kind(self, kind: str, keep: int, other: int) -> tuple[SubRow | None, SubRow | None]:
        """Keep one subscription of this kind of the two profiles: the most recently
        changed that is not off. Returns (kept, dropped-that-was-on) as they were."""
        rows = self._all(
            """SELECT id, status, updated_at, coalesce(identity_pk, user_pk) FROM subscriptions
               WHERE (user_pk = ? OR user_pk = ?) AND kind = ?""",
            (keep, other, kind),
        )
        if not rows:
            return None, None
        ranked = sorted(rows, key=lambda r: (r[1] != "off", r[2], int(r[0])), reverse=True)
        first, rest = ranked[0], ranked[1:]
        kept = self._sub(int(first[0]))
        dropped: SubRow | None = None
        for sub in rest:
            if sub[1] != "off":
                dropped = self._sub(int(sub[0]))
            self._move_ledger(int(sub[0]), int(first[0]))
            self._run("DELETE FROM subscriptions WHERE id = ?", (int(sub[0]),))
        account = int(first[3])
        self._run(
            "UPDATE subscriptions SET user_pk = ?, identity_pk = ? WHERE id = ?",
            (keep, None if account == keep else account, int(first[0])),
        )
        return kept, dropped

    def _move_ledger(self, from_sub: int, to_sub: int) -> None:
        """Move a dropped subscription's ledger rows to the kept one (keys stay unique)."""
        kept = {
            r[0]: (int(r[1]), r[2])
            for r in self._all(
                "SELECT local_date, id, state FROM deliveries WHERE sub_id = ?", (to_sub,)
            )
        }
        rows = self._all(
            "SELECT local_date, id, state FROM deliveries WHERE sub_id = ? ORDER BY id",
            (from_sub,),
        )
        for local_date, row_id, state in rows:
            there = kept.get(local_date)
            if there is not None:
                if DELIVERY_RANK[state] <= DELIVERY_RANK[there[1]]:
                    continue  # the kept ledger's row stands; this one goes with its sub
                self._run("DELETE FROM deliveries WHERE id = ?", (there[0],))
            self._run("UPDATE deliveries SET sub_id = ? WHERE id = ?", (to_sub, int(row_id)))
            kept[local_date] = (int(row_id), state)

    # unlink ----------------------------------------------------------------------------

    def unlink(self, identity_pk: int) -> bool:
        row = self._one("SELECT coalesce(profile_pk, id) FROM users WHERE id = ?", (identity_pk,))
        if row is None:
            return False
        profile = int(row[0])
        if profile != identity_pk:  # a linked account leaves with a copy
            self._copy_profile(profile, identity_pk)
            self._run("UPDATE users SET profile_pk = NULL WHERE id = ?", (identity_pk,))
            self._run(
                "UPDATE subscriptions SET user_pk = ?, identity_pk = NULL"
                " WHERE user_pk = ? AND identity_pk = ?",
                (identity_pk, profile, identity_pk),
            )
            return True
        # the profile's own account leaves: the next oldest account takes a copy and the
        # others follow it
        nxt = self._one("SELECT min(id) FROM users WHERE profile_pk = ?", (profile,))
        if nxt is None or nxt[0] is None:
            return False
        heir = int(nxt[0])
        self._copy_profile(profile, heir)
        self._run(
            "UPDATE users SET profile_pk = ? WHERE profile_pk = ? AND id <> ?",
            (heir, profile, heir),
        )
        self._run("UPDATE users SET profile_pk = NULL WHERE id = ?", (heir,))
        self._run(
            """UPDATE subscriptions SET user_pk = ?,
                 identity_pk = CASE WHEN identity_pk = ? THEN NULL ELSE identity_pk END
               WHERE user_pk = ? AND identity_pk IS NOT NULL""",
            (heir, heir, profile),
        )
        return True

    def _copy_profile(self, source: int, target: int) -> None:
        for table, rule in RULES.items():
            if rule.kind == "profile":
                cols = ", ".join(rule.columns)
                self._run(
                    f"INSERT INTO {table} (user_pk, {cols}) SELECT ?, {cols} FROM {table}"  # noqa: S608
                    " WHERE user_pk = ? ON CONFLICT DO NOTHING",
                    (target, source),
                )
        for col in PROFILE_COLUMNS:
            self._run(
                f"UPDATE users SET {col} = (SELECT {col} FROM users WHERE id = ?)"  # noqa: S608
                " WHERE id = ?",
                (source, target),
            )

    def separate_tenant(self, platform: str, tenant: str) -> None:
        """Before a workspace's accounts are deleted: the profiles they hold for accounts
        elsewhere pass to those accounts (unlink), so nothing outside the workspace goes."""
        rows = self._all(
            """SELECT u.id FROM users u WHERE u.platform = ? AND u.tenant = ?
                 AND u.profile_pk IS NULL
                 AND EXISTS (SELECT 1 FROM users o WHERE o.profile_pk = u.id)""",
            (platform, tenant),
        )
        for (pk,) in rows:  # (a profile never has two accounts in one workspace)
            self.unlink(int(pk))

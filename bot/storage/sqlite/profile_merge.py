"""Migration 3: one profile per Discord user (issue 10).

Until schema 2 a Discord user had one profile per server plus one for DMs (tenant
``dm``); Discord user ids are global, so from schema 3 a Discord user is keyed by the
id alone (tenant :data:`~bot.core.requests.GLOBAL_TENANT`). This merges each user's
profiles into the one created first, inside the migration's transaction:

- skills: the most advanced status wins (done over learning; then the later change);
- tips seen: view counts add up, first and last sighting are the extremes;
- tip marks: the earliest save; a vote wins over no vote, "not helpful" over "helpful"
  (a tip someone rejected once is not sent again);
- roadmap steps: the earliest completion; activity days (streaks): the union;
- notices, and channel subscriptions an admin set up, move to the merged profile;
- daily tips: ONE subscription is kept, the most recently changed that is not off (or
  the most recently changed of all when every one is off). The delivery ledgers move
  with it; where two ledgers hold the same local date, the row that got furthest wins
  (sent, then pending, skipped, failed), so nobody gets a second tip that day. When a
  subscription that was on is dropped, the user finds a notice at their next command.

Every table that references ``users`` is listed in :data:`USER_TABLES`; a test checks
the schema against it. Set-based SQL for everything except the (rare) subscription
collisions, so a large database migrates in one pass.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from typing import NamedTuple

from bot.core import messages
from bot.core.commands import format_days
from bot.core.requests import GLOBAL_TENANT
from bot.core.schedule import mask_days, time_of_minute

# table -> its columns that reference users(id): what the merge moves or merges
USER_TABLES: dict[str, tuple[str, ...]] = {
    "skill_status": ("user_pk",),
    "tip_views": ("user_pk",),
    "tip_marks": ("user_pk",),
    "roadmap_done": ("user_pk",),
    "activity": ("user_pk",),
    "notices": ("user_pk",),
    "subscriptions": ("user_pk", "owner_pk", "identity_pk"),
    # added by V6 (issue 14, link), after this migration: absent at schema 2. The
    # runtime link merge's rules for every table are bot/storage/link.py's RULES.
    "users": ("profile_pk",),
    "link_codes": ("identity_pk",),
    # created by a later migration (spaced review, issue 14): empty when this one runs
    "tip_reviews": ("user_pk",),
    "user_prefs": ("user_pk",),
    "quiet_days": ("user_pk",),
}

# How far a delivery got: on a date held by two ledgers the further one is kept.
DELIVERY_RANK = {"sent": 3, "pending": 2, "skipped": 1, "failed": 0}

MERGED = "SELECT old_pk FROM profile_merge"

# (old profile -> the user's first profile), for Discord users with more than one
MAP = [
    "CREATE TEMP TABLE profile_merge (old_pk INTEGER PRIMARY KEY, new_pk INTEGER NOT NULL)",
    """INSERT INTO profile_merge (old_pk, new_pk)
       SELECT id, first FROM (
         SELECT id, first_value(id) OVER (PARTITION BY user_id ORDER BY created_at, id) AS first
         FROM users WHERE platform = 'discord')
       WHERE id != first""",
    "CREATE INDEX temp.profile_merge_new ON profile_merge (new_pk)",
]

# Per-user rows: upsert each merged profile's rows into the kept one, then delete them.
# (``WHERE true``: SQLite's documented way to put an upsert after a join.)
ROWS = [
    """INSERT INTO skill_status (user_pk, skill_id, status, updated_at)
       SELECT m.new_pk, s.skill_id, s.status, s.updated_at
       FROM skill_status s JOIN profile_merge m ON m.old_pk = s.user_pk WHERE true
       ON CONFLICT (user_pk, skill_id) DO UPDATE SET
         status = excluded.status, updated_at = excluded.updated_at
       WHERE (excluded.status = 'done', excluded.updated_at)
             > (skill_status.status = 'done', skill_status.updated_at)""",
    """INSERT INTO tip_views (user_pk, tip_id, times, first_seen, last_seen)
       SELECT m.new_pk, v.tip_id, v.times, v.first_seen, v.last_seen
       FROM tip_views v JOIN profile_merge m ON m.old_pk = v.user_pk WHERE true
       ON CONFLICT (user_pk, tip_id) DO UPDATE SET
         times = tip_views.times + excluded.times,
         first_seen = min(tip_views.first_seen, excluded.first_seen),
         last_seen = max(tip_views.last_seen, excluded.last_seen)""",
    """INSERT INTO tip_marks (user_pk, tip_id, vote, saved_at)
       SELECT m.new_pk, t.tip_id, t.vote, t.saved_at
       FROM tip_marks t JOIN profile_merge m ON m.old_pk = t.user_pk WHERE true
       ON CONFLICT (user_pk, tip_id) DO UPDATE SET
         vote = CASE WHEN tip_marks.vote = 0 THEN excluded.vote
                     WHEN excluded.vote = 0 THEN tip_marks.vote
                     ELSE min(tip_marks.vote, excluded.vote) END,
         saved_at = coalesce(min(tip_marks.saved_at, excluded.saved_at),
                             tip_marks.saved_at, excluded.saved_at)""",
    """INSERT INTO roadmap_done (user_pk, step_id, done_at)
       SELECT m.new_pk, r.step_id, r.done_at
       FROM roadmap_done r JOIN profile_merge m ON m.old_pk = r.user_pk WHERE true
       ON CONFLICT (user_pk, step_id) DO UPDATE SET
         done_at = min(roadmap_done.done_at, excluded.done_at)""",
    """INSERT INTO activity (user_pk, day)
       SELECT m.new_pk, a.day FROM activity a JOIN profile_merge m ON m.old_pk = a.user_pk
       WHERE true ON CONFLICT (user_pk, day) DO NOTHING""",
    *(
        f"DELETE FROM {table} WHERE user_pk IN ({MERGED})"  # noqa: S608 (constants)
        for table in ("skill_status", "tip_views", "tip_marks", "roadmap_done", "activity")
    ),
    """UPDATE notices SET user_pk = (SELECT new_pk FROM profile_merge WHERE old_pk = user_pk)
       WHERE user_pk IN (SELECT old_pk FROM profile_merge)""",
    """UPDATE subscriptions
       SET owner_pk = (SELECT new_pk FROM profile_merge WHERE old_pk = owner_pk)
       WHERE owner_pk IN (SELECT old_pk FROM profile_merge)""",
]

# The kept profile: a zone and a name if it had none; then the others go, and every
# Discord profile (and its daily subscription) takes the global tenant.
USERS = [
    """UPDATE users SET
         tz = coalesce(tz, (SELECT o.tz FROM profile_merge m JOIN users o ON o.id = m.old_pk
                            WHERE m.new_pk = users.id AND o.tz IS NOT NULL
                            ORDER BY o.created_at DESC, o.id DESC LIMIT 1)),
         display_name = CASE WHEN display_name != '' THEN display_name ELSE coalesce(
           (SELECT o.display_name FROM profile_merge m JOIN users o ON o.id = m.old_pk
            WHERE m.new_pk = users.id AND o.display_name != ''
            ORDER BY o.created_at DESC, o.id DESC LIMIT 1), '') END
       WHERE id IN (SELECT new_pk FROM profile_merge)""",
    f"DELETE FROM users WHERE id IN ({MERGED})",  # noqa: S608 (constants)
    "UPDATE users SET tenant = ? WHERE platform = 'discord'",
    """UPDATE subscriptions SET tenant = ?
       WHERE platform = 'discord' AND user_pk IS NOT NULL""",
    "DROP TABLE temp.profile_merge",
]


def merge_discord_profiles(db: sqlite3.Connection) -> None:
    """Migration 3 (runs inside the migration's transaction)."""
    for sql in MAP + ROWS:
        db.execute(sql)
    _keep_one_subscription(db)
    for sql in USERS:
        db.execute(sql, (GLOBAL_TENANT,) if "?" in sql else ())


class _Sub(NamedTuple):
    id: int
    status: str
    updated_at: str
    minute: int
    tz: str
    days: int


def _keep_one_subscription(db: sqlite3.Connection) -> None:
    # One of each kind once subscriptions have kinds (a later schema: the daily tip and
    # the weekly report are kept apart); at schema 2 every subscription is a daily one.
    kinds = {r[1] for r in db.execute("SELECT * FROM pragma_table_info('subscriptions')")}
    kind = "s.kind" if "kind" in kinds else "'daily'"
    rows = db.execute(
        f"""SELECT coalesce(m.new_pk, s.user_pk), s.id, s.status, s.updated_at, s.minute,
                  s.tz, s.days, {kind}
           FROM subscriptions s LEFT JOIN profile_merge m ON m.old_pk = s.user_pk
           WHERE s.user_pk IN (SELECT old_pk FROM profile_merge UNION SELECT new_pk
                               FROM profile_merge)
           ORDER BY s.id"""  # noqa: S608 (a constant column or literal)
    ).fetchall()
    by_user: dict[tuple[int, str], list[_Sub]] = defaultdict(list)
    for pk, sid, status, updated_at, minute, tz, days, of_kind in rows:
        by_user[int(pk), of_kind].append(
            _Sub(int(sid), status, updated_at, int(minute), tz, int(days))
        )
    now = datetime.now(UTC).isoformat()
    for (pk, of_kind), subs in by_user.items():
        # the most recently changed that is not off (then the newest, on a tie)
        ranked = sorted(subs, key=lambda s: (s.status != "off", s.updated_at, s.id), reverse=True)
        kept, dropped = ranked[0], ranked[1:]
        for sub in dropped:
            _move_ledger(db, sub.id, kept.id)
            db.execute("DELETE FROM subscriptions WHERE id = ?", (sub.id,))
        db.execute("UPDATE subscriptions SET user_pk = ? WHERE id = ?", (pk, kept.id))
        lost = [s for s in dropped if s.status != "off"]
        if lost and of_kind == "daily":
            text = messages.PROFILES_MERGED_DAILY.format(
                n=len(lost) + 1,
                kept=_plan(kept),
                dropped=", ".join(_plan(s) for s in lost),
            )
            db.execute(
                "INSERT INTO notices (user_pk, text, created_at) VALUES (?, ?, ?)",
                (pk, text, now),
            )


def _plan(sub: _Sub) -> str:
    return messages.PROFILES_MERGED_PLAN.format(
        time=f"{time_of_minute(sub.minute):%H:%M}",
        zone=sub.tz,
        days=format_days(mask_days(sub.days)),
    )


def _move_ledger(db: sqlite3.Connection, from_sub: int, to_sub: int) -> None:
    """Move a dropped subscription's ledger rows to the kept one (its keys stay: unique)."""
    kept = {
        r[0]: (int(r[1]), r[2])
        for r in db.execute(
            "SELECT local_date, id, state FROM deliveries WHERE sub_id = ?", (to_sub,)
        ).fetchall()
    }
    rows = db.execute(
        "SELECT local_date, id, state FROM deliveries WHERE sub_id = ? ORDER BY id", (from_sub,)
    ).fetchall()
    for local_date, row_id, state in rows:
        there = kept.get(local_date)
        if there is not None:
            if DELIVERY_RANK[state] <= DELIVERY_RANK[there[1]]:
                continue  # the kept ledger's row stands; this one goes with its subscription
            db.execute("DELETE FROM deliveries WHERE id = ?", (there[0],))
        db.execute("UPDATE deliveries SET sub_id = ? WHERE id = ?", (to_sub, row_id))
        kept[local_date] = (int(row_id), state)
    db.execute("DELETE FROM deliveries WHERE sub_id = ?", (from_sub,))

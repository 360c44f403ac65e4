"""Schema migrations, applied in order on start-up.

``MIGRATIONS[i]`` brings a database from version ``i`` to ``i + 1`` (``PRAGMA
user_version``). Append; never edit a migration that has shipped. Each runs in its
own transaction together with the version bump, so a crash leaves the old version.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from bot.storage.sqlite.profile_merge import merge_discord_profiles

log = logging.getLogger(__name__)


class SchemaTooNew(Exception):
    """The database was written by a newer careerbot."""


V1 = """
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    tenant       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    tz           TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (platform, tenant, user_id)
);
CREATE TABLE skill_status (
    user_pk    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    skill_id   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('learning', 'done')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_pk, skill_id)
) WITHOUT ROWID;
CREATE TABLE tip_views (
    user_pk    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tip_id     TEXT NOT NULL,
    times      INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    PRIMARY KEY (user_pk, tip_id)
) WITHOUT ROWID;
CREATE TABLE tip_marks (
    user_pk  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tip_id   TEXT NOT NULL,
    vote     INTEGER NOT NULL DEFAULT 0 CHECK (vote IN (-1, 0, 1)),
    saved_at TEXT,
    PRIMARY KEY (user_pk, tip_id)
) WITHOUT ROWID;
CREATE TABLE roadmap_done (
    user_pk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    step_id TEXT NOT NULL,
    done_at TEXT NOT NULL,
    PRIMARY KEY (user_pk, step_id)
) WITHOUT ROWID;
CREATE TABLE activity (
    user_pk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day     TEXT NOT NULL,
    PRIMARY KEY (user_pk, day)
) WITHOUT ROWID;
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY,
    user_pk    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notices_by_user ON notices (user_pk);
"""

# Daily tips (issue 6): subscriptions (a user's DM or an admin's channel post) and the
# delivery ledger, one row per (subscription, local date). ``next_due`` / ``due_at`` /
# ``retry_at`` / ``paused_until`` are Unix seconds (UTC) so "what is due" is one range scan.
V2 = """
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_pk      INTEGER REFERENCES users(id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    tenant       TEXT NOT NULL,
    channel_id   TEXT,
    owner_pk     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    minute       INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    tz           TEXT NOT NULL,
    days         INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    status       TEXT NOT NULL CHECK (status IN ('active', 'off', 'suspended')),
    paused_until INTEGER,
    next_due     INTEGER NOT NULL,
    next_date    TEXT NOT NULL,
    missed       INTEGER NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK ((user_pk IS NULL) != (channel_id IS NULL))
);
CREATE UNIQUE INDEX subscriptions_by_user ON subscriptions (user_pk) WHERE user_pk IS NOT NULL;
CREATE UNIQUE INDEX subscriptions_by_channel ON subscriptions (platform, tenant, channel_id)
    WHERE channel_id IS NOT NULL;
CREATE INDEX subscriptions_due ON subscriptions (next_due) WHERE status = 'active';
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    sub_id     INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    due_at     INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'skipped', 'failed')),
    key        TEXT NOT NULL UNIQUE CHECK (length(key) <= 25),
    tip_id     TEXT,
    missed     INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    retry_at   INTEGER NOT NULL,
    message_id TEXT,
    detail     TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (sub_id, local_date)
);
CREATE INDEX deliveries_pending ON deliveries (retry_at) WHERE state = 'pending';
"""

# V3: one profile per Discord user (issue 10), see bot/storage/profile_merge.py.

# V4: a bounded ledger (issue 12). Finished delivery rows older than the retention window
# are pruned oldest first (``deliveries_finished``: the prune's range scan, never
# pending rows). A channel's tip rotation counts the tips it posted; the pruned 'sent'
# rows of channel subscriptions are folded into ``channel_tip_views`` first, in the same
# transaction, so pruning never makes a channel repeat a tip early.
V4 = """
CREATE TABLE channel_tip_views (
    sub_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    tip_id TEXT NOT NULL,
    times  INTEGER NOT NULL CHECK (times > 0),
    PRIMARY KEY (sub_id, tip_id)
) WITHOUT ROWID;
CREATE INDEX deliveries_finished ON deliveries (due_at) WHERE state <> 'pending';
"""

# V5 (issue 13): Slack workspaces installed through OAuth. ``sealed`` is the installation
# encrypted by the platform (it holds tokens), NULL once uninstalled; ``oauth_states`` are
# the single-use states of install flows in progress; uninstall and purge find a
# workspace's subscriptions by (platform, tenant).
V5 = """
CREATE TABLE installations (
    platform       TEXT NOT NULL,
    tenant         TEXT NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    sealed         TEXT,
    state          TEXT NOT NULL CHECK (state IN ('active', 'uninstalled')),
    installed_at   TEXT NOT NULL,
    uninstalled_at TEXT,
    PRIMARY KEY (platform, tenant),
    CHECK ((state = 'active') = (sealed IS NOT NULL))
);
CREATE TABLE oauth_states (
    state      TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
CREATE INDEX subscriptions_by_tenant ON subscriptions (platform, tenant);
"""

# V6 (issue 15): the tip level a user chose with ``level`` (NULL: all levels).
V6 = """
ALTER TABLE users ADD COLUMN level TEXT CHECK (level IN ('aspiring', 'early', 'experienced'))
"""

# Weekly report (issue 14): a subscription has a ``kind``, 'daily' (the daily tip, a
# user's DM or a channel's post) or 'weekly' (a user's weekly report: one weekday in
# ``days``); a user holds at most one of each. The ledger is unchanged: one row per
# (subscription, local date). ``tip_marks.voted_at``: when the vote was cast (NULL for
# votes older than this), so the report finds the tips voted Helpful in its week.
V_WEEKLY = """
ALTER TABLE subscriptions ADD COLUMN kind TEXT NOT NULL DEFAULT 'daily'
    CHECK (kind IN ('daily', 'weekly'));
DROP INDEX subscriptions_by_user;
CREATE UNIQUE INDEX subscriptions_by_user_kind ON subscriptions (user_pk, kind)
    WHERE user_pk IS NOT NULL;
ALTER TABLE tip_marks ADD COLUMN voted_at TEXT
"""

# Spaced review (issue 14): a user's review state per tip (bot/core/review.py: ease in
# hundredths, intervals in days, instants in Unix seconds). Tips already saved or voted
# Helpful become reviewable: a saved one due a day after it was saved, a helpful one a
# day after the upgrade. A daily delivery fixes the review its card carries at claim
# time (tip id and the review's answer count), so a resend carries the identical card.
V_REVIEW = """
CREATE TABLE tip_reviews (
    user_pk     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tip_id      TEXT NOT NULL,
    due_at      INTEGER NOT NULL,
    interval_days INTEGER NOT NULL DEFAULT 1 CHECK (interval_days >= 1),
    ease        INTEGER NOT NULL DEFAULT 250 CHECK (ease BETWEEN 130 AND 300),
    streak      INTEGER NOT NULL DEFAULT 0,
    answers     INTEGER NOT NULL DEFAULT 0,
    remembered  INTEGER NOT NULL DEFAULT 0,
    reviewed_at TEXT,
    carried_on  TEXT,
    PRIMARY KEY (user_pk, tip_id)
) WITHOUT ROWID;
INSERT INTO tip_reviews (user_pk, tip_id, due_at)
    SELECT user_pk, tip_id,
           coalesce(CAST(strftime('%s', saved_at) AS INTEGER), CAST(strftime('%s') AS INTEGER))
           + 86400
    FROM tip_marks WHERE saved_at IS NOT NULL OR vote = 1;
ALTER TABLE deliveries ADD COLUMN review_tip_id TEXT;
ALTER TABLE deliveries ADD COLUMN review_seq INTEGER
"""

# Streaks and quiet days (issue 14): a user's streak settings (the hour their day begins,
# away-skip, quiet weekends) and their quiet days (skipped, away, or passed over by a
# move east): neutral in a streak. The ledger gets two states for days no tip went out
# on purpose: 'quiet' (a skipped day) and 'away' (the platform said the user was away).
HABITS = """
CREATE TABLE user_prefs (
    user_pk        INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    day_start      INTEGER NOT NULL DEFAULT 0 CHECK (day_start BETWEEN 0 AND 23),
    away_skip      INTEGER NOT NULL DEFAULT 0 CHECK (away_skip IN (0, 1)),
    weekends_since TEXT,
    days_zone      TEXT
);
CREATE TABLE quiet_days (
    user_pk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day     TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('skip', 'away', 'zone')),
    PRIMARY KEY (user_pk, day)
) WITHOUT ROWID
"""
OLD_STATES = "CHECK (state IN ('pending', 'sent', 'skipped', 'failed'))"
NEW_STATES = "CHECK (state IN ('pending', 'sent', 'skipped', 'failed', 'quiet', 'away'))"


def add_habits(db: sqlite3.Connection) -> None:
    """The HABITS tables, and the ledger's CHECK widened by SQLite's documented way: a
    new table from the current definition (whatever columns it has by now), the rows
    copied with their ids, the old one dropped, the indexes made again. No table
    references ``deliveries`` (dropping it would cascade)."""
    for statement in HABITS.split(";"):
        db.execute(statement)
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'")
    sql = str(row.fetchone()[0])
    if OLD_STATES not in sql:
        raise RuntimeError("the deliveries table is not as migration V2 made it")
    indexes = [
        str(r[0])
        for r in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'"
            " AND sql IS NOT NULL"
        )
    ]
    new = sql.replace(OLD_STATES, NEW_STATES).replace("deliveries", "deliveries_new", 1)
    db.execute(new)
    db.execute("INSERT INTO deliveries_new SELECT * FROM deliveries")
    db.execute("DROP TABLE deliveries")
    db.execute("ALTER TABLE deliveries_new RENAME TO deliveries")
    for index in indexes:
        db.execute(index)


# Link (issue 14): one profile across platforms (bot/storage/link.py). ``profile_pk``: the
# account whose profile this one uses (NULL: its own); a subscription's ``identity_pk``:
# the account it delivers to when that is not the profile's own; one-time link codes
# (only their hash) and the wrong codes of the last minutes (the rate limit; by account
# key, so ``forget`` does not reset it).
V_LINK = """
ALTER TABLE users ADD COLUMN profile_pk INTEGER REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX users_by_profile ON users (profile_pk) WHERE profile_pk IS NOT NULL;
ALTER TABLE subscriptions ADD COLUMN identity_pk INTEGER REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX subscriptions_by_identity ON subscriptions (identity_pk)
    WHERE identity_pk IS NOT NULL;
CREATE TABLE link_codes (
    code_hash   TEXT PRIMARY KEY,
    identity_pk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX link_codes_by_identity ON link_codes (identity_pk);
CREATE INDEX link_codes_expiry ON link_codes (expires_at);
CREATE TABLE link_failures (
    platform TEXT NOT NULL,
    tenant   TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX link_failures_by_account ON link_failures (platform, tenant, user_id, at);
CREATE INDEX link_failures_by_time ON link_failures (at)
"""

# A migration is an SQL script, or a function for data that SQL alone cannot
# move (it gets the connection, inside the transaction, and must not commit).
Migration = str | Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [
    V1,
    V2,
    merge_discord_profiles,
    V4,
    V5,
    V6,
    V_WEEKLY,
    V_REVIEW,
    add_habits,
    V_LINK,
]
LATEST = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, target: int = LATEST) -> int:
    """Bring ``db`` (in autocommit mode) up to ``target``; return the version reached."""
    row = db.execute("PRAGMA user_version").fetchone()
    version = int(row[0]) if row else 0
    if version > LATEST:
        raise SchemaTooNew(
            f"database schema version {version} is newer than this careerbot ({LATEST}); "
            "upgrade careerbot or restore a backup"
        )
    while version < target:
        step = MIGRATIONS[version]
        db.execute("BEGIN IMMEDIATE")
        try:
            if isinstance(step, str):
                for statement in (s.strip() for s in step.split(";")):
                    if statement:
                        db.execute(statement)
            else:
                step(db)
            # PRAGMA takes no parameters; the value is our own integer.
            db.execute(f"PRAGMA user_version = {version + 1:d}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        version += 1
        log.info("database migrated to schema version %d", version)
    return version

"""The records the storage ports return (:mod:`bot.core.ports`): plain frozen values.

Every store (SQLite today) builds these from its own rows; the core and the delivery
never see a database type. Instants are Unix seconds (UTC); dates are ISO strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class UserRow:
    """A user as the core sees it inside a unit of work: their key, known zone and the
    tip level they chose (None: all levels), read in the one user look-up."""

    pk: int
    tz: str | None
    level: str | None = None


@dataclass(frozen=True, slots=True)
class SubRow:
    """A daily-tip subscription: a user's DM or an admin's channel post."""

    id: int
    user_pk: int | None
    platform: str
    tenant: str
    channel_id: str | None
    owner_pk: int | None
    minute: int
    tz: str
    days: int
    status: str  # active, off, suspended
    paused_until: int | None
    next_due: int
    next_date: str
    missed: int
    reason: str
    user_id: str | None  # the platform's user id (DM subscriptions)
    display_name: str | None
    kind: str = "daily"  # daily (a tip) or weekly (the weekly report; one weekday)

    @property
    def notify_pk(self) -> int | None:
        """Whom to tell about a problem: the subscriber, or the admin who set the channel."""
        return self.user_pk if self.user_pk is not None else self.owner_pk


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """One row of the delivery ledger: one (subscription, local date)."""

    id: int
    sub_id: int
    local_date: str
    due_at: int
    state: str  # pending, sent, skipped, failed
    key: str
    tip_id: str | None
    missed: int
    attempts: int
    retry_at: int


@dataclass(frozen=True, slots=True)
class Cursor:
    """A subscription's move past its planned dates (see ``Subscriptions.advance_many``)."""

    sub_id: int
    next_due: int
    next_date: str
    missed: int  # newly skipped dates, added to the subscription's count


@dataclass(frozen=True, slots=True)
class Planned:
    """A pending delivery to write (see ``Deliveries.insert_pending``)."""

    sub_id: int
    local_date: str
    due_at: int


def delivery_key(sub_id: int, local_date: str) -> str:
    """The idempotency key of one delivery: ``d{sub}-{yyyymmdd}`` (<= 25 characters)."""
    return f"d{sub_id}-{local_date.replace('-', '')}"


@dataclass(frozen=True, slots=True)
class Changes:
    """What a user did in a window of time (see ``Progress.changes``), for the weekly report."""

    tips_seen: tuple[str, ...]  # tips last seen in the window, by id
    skills: dict[str, str]  # skill id -> 'learning' | 'done', changed in the window
    steps: tuple[str, ...]  # roadmap steps checked off in the window, by id
    helpful: tuple[str, ...]  # tips voted Helpful in the window, latest vote first


@dataclass(frozen=True, slots=True)
class TenantRow:
    """A workspace that installed an app through OAuth (:class:`~bot.core.ports.Installations`)."""

    platform: str
    tenant: str
    name: str
    state: str  # active, uninstalled
    installed_at: str  # ISO instant
    uninstalled_at: str | None  # ISO instant; the grace period before the purge runs from it
    users: int  # its users known to careerbot


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A user's spaced-review state of one tip (:mod:`bot.core.review`)."""

    tip_id: str
    due_at: int  # Unix seconds
    interval: int  # days
    ease: int  # hundredths (250 = 2.5)
    streak: int  # Remembered answers in a row
    answers: int  # answers so far (every answer adds one: the version buttons carry)
    remembered: int  # Remembered answers so far
    carried_on: str | None  # local date a daily tip last carried it
    active: bool  # still reviewable: saved, or voted Helpful


# streaks and quiet days (issue 14) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prefs:
    """A user's habit settings (:class:`~bot.core.ports.Habits`); defaults until set."""

    day_start: int = 0  # the local hour their day begins (0-23)
    away_skip: bool = False  # skip the daily tip while the platform says they are away
    weekends_since: str | None = None  # ISO date weekends are quiet from; None: not quiet
    days_zone: str | None = None  # the zone their last activity day was recorded in


@dataclass(frozen=True, slots=True)
class QuietPlan:
    """What the ledger needs to know of a subscriber's quiet days when planning."""

    days: frozenset[str]  # ISO dates skipped ('daily skip')
    weekends_since: str | None
    away_skip: bool

    def quiet(self, local_date: str) -> bool:
        """Whether no tip goes out on ``local_date`` (an ISO date)."""
        if local_date in self.days:
            return True
        if self.weekends_since is None or local_date < self.weekends_since:
            return False
        return date.fromisoformat(local_date).weekday() >= 5


# one profile across platforms (issue 14, ``link``) ------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """One account on one platform (a ``users`` row) and the profile it uses: its own
    (``profile_pk == pk``) or, once linked, the profile of the account it joined."""

    pk: int
    profile_pk: int
    platform: str
    tenant: str
    user_id: str
    display_name: str


@dataclass(frozen=True, slots=True)
class LinkCode:
    """A one-time link code (only its hash is stored): who issued it, and its state."""

    identity: Identity
    expires_at: int  # Unix seconds
    used_at: int | None


@dataclass(frozen=True, slots=True)
class Linked:
    """What ``Links.link`` did: the profile both accounts now use, and the daily tip kept
    (``dropped``: the one that was on and is off now, or None); the same of the weekly
    report (``weekly_kept``, ``weekly_dropped``)."""

    profile_pk: int
    kept: SubRow | None
    dropped: SubRow | None
    weekly_kept: SubRow | None = None
    weekly_dropped: SubRow | None = None

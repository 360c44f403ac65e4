"""What the core and the scheduler expect of the outside world (ports and adapters).

Platforms: :class:`Messenger` and :class:`Adapter`, implemented by the Slack and Discord
adapters (the console needs none of it). Storage: :class:`Store` and the
:class:`UnitOfWork` it hands to a use case, implemented by ``bot.storage.sqlite``.
Nothing here imports a platform library or a database driver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar, runtime_checkable

from bot.core.records import (
    Changes,
    Cursor,
    DeliveryRow,
    Identity,
    LinkCode,
    Linked,
    Planned,
    Prefs,
    QuietPlan,
    ReviewRow,
    SubRow,
    TenantRow,
    UserRow,
)
from bot.core.replies import Reply
from bot.core.requests import User

T = TypeVar("T")


class SendStatus(Enum):
    SENT = "sent"  # delivered (or found already delivered: idempotent resend)
    UNREACHABLE = "unreachable"  # the user cannot be messaged (Discord 50007, Slack
    # cannot_dm_bot / account_inactive / user_not_found): suspend, tell them later
    RATE_LIMITED = "rate_limited"  # 429: try again after ``retry_after`` seconds
    FAILED = "failed"  # anything else; worth a later retry


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    message_id: str | None = None
    retry_after: float | None = None
    detail: str = ""  # platform error code, for logs (never a secret)


class Messenger(Protocol):
    """Sends replies outside a command: daily tips by DM or to a channel."""

    platform: str

    async def send_dm(
        self, user: User, reply: Reply, *, key: str, resend: bool = False
    ) -> SendResult:
        """DM ``reply`` to ``user``. ``key`` (<= 25 chars, unique per delivery) makes the
        send idempotent: Discord uses it as the message nonce with enforce_nonce; Slack
        tags the message metadata with it and, when ``resend`` (an earlier attempt may
        have reached Slack), checks the DM's recent history first — only then, because
        conversations.history allows far fewer calls than chat.postMessage."""
        ...

    async def send_channel(
        self, tenant: str, channel_id: str, reply: Reply, *, key: str
    ) -> SendResult: ...


class Presence(Enum):
    """What a platform says of a user at delivery time (:class:`AwayProbe`)."""

    AWAY = "away"  # status says away (vacation, sick) or Do Not Disturb / snoozed
    HERE = "here"
    UNKNOWN = "unknown"  # it could not tell (a missing scope, an error): send anyway


@dataclass(frozen=True, slots=True)
class AwayResult:
    presence: Presence
    detail: str = ""  # why (the status emoji, "dnd", or the platform's error code)


@runtime_checkable
class AwayProbe(Protocol):
    """An optional capability of a :class:`Messenger`: tell whether a user is away now.
    The scheduler asks it before a daily DM to a user who turned away-skip on; a
    messenger without it (a platform that can't tell) never skips."""

    async def away(self, user: User) -> AwayResult: ...


class Adapter(Protocol):
    """A running platform connection, started and stopped by ``careerbot run``."""

    name: str

    @property
    def messenger(self) -> Messenger:
        """Its DMs and channel posts, for the daily delivery."""
        ...

    async def start(self) -> None:
        """Connect and return once ready; raise ``bot.config.ConfigError`` for a bad token."""
        ...

    async def close(self) -> None: ...

    @property
    def connected(self) -> bool: ...


# monitoring ---------------------------------------------------------------------------


class Observer(Protocol):
    """What the running bot reports as it works, for monitoring (``careerbot run`` wires it
    to its Prometheus metrics, :mod:`bot.metrics`). Every call is cheap and never raises.

    Label values stay bounded: ``name`` is a registry command name (or ``unknown``);
    ``outcome`` is one of a few words.
    """

    def command(self, name: str, outcome: str, seconds: float) -> None:
        """A command answered: ``outcome`` is ok, user_error or failure."""
        ...

    def delivery(self, platform: str, outcome: str) -> None:
        """A daily delivery sent or tried: sent, retry, failed, gone or error."""
        ...

    def rate_limited(self, platform: str) -> None:
        """The platform answered a send with 429."""
        ...


class NoObserver:
    """The default :class:`Observer`: reports nothing."""

    def command(self, name: str, outcome: str, seconds: float) -> None:
        pass

    def delivery(self, platform: str, outcome: str) -> None:
        pass

    def rate_limited(self, platform: str) -> None:
        pass


# storage ------------------------------------------------------------------------------
#
# A use case is a plain SYNCHRONOUS function of a UnitOfWork; ``await store.run(fn)`` runs
# it as ONE transaction (committed when it returns, rolled back when it raises) off the
# event loop: one thread hop per command, however many statements it needs. Concurrent
# units never lose an update, in this process or another one on the same database.


class Users(Protocol):
    """Users and what hangs off them directly: zone, notices, activity days, export."""

    def user(
        self,
        platform: str,
        tenant: str,
        user_id: str,
        display_name: str,
        now: datetime,
        tz_hint: str | None = None,
    ) -> UserRow:
        """The user's row, created on first use; keeps a known name fresh (an empty name
        never erases it). ``tz_hint`` (the platform's profile zone) only fills a missing
        zone: a zone the user typed (``daily``, ``weekly on``) is theirs to change."""
        ...

    def find_user(self, platform: str, tenant: str, user_id: str) -> int | None: ...

    def set_tz(self, pk: int, tz: str) -> None: ...

    def level(self, pk: int) -> str | None:
        """The tip level the user chose (aspiring, early, experienced); None: all."""
        ...

    def set_level(self, pk: int, level: str | None) -> None:
        """Set (or with None clear: all levels) the user's tip level."""
        ...

    def forget(self, pk: int) -> None:
        """Delete the user and everything about them (subscriptions and ledger too)."""
        ...

    def export(self, pk: int) -> dict[str, Any]:
        """Every record about the user, by kind (JSON-ready values)."""
        ...

    def push_notice(self, pk: int, text: str, now: datetime) -> None: ...

    def pop_notices(self, pk: int) -> list[str]:
        """The user's queued notices, oldest first; removes them."""
        ...

    def record_activity(self, pk: int, day: date) -> None: ...

    def activity_days(self, pk: int) -> list[date]:
        """Local dates with a learning action, ascending."""
        ...


class Progress(Protocol):
    """Skill statuses and roadmap steps."""

    def skill_statuses(self, pk: int) -> dict[str, str]:
        """skill id -> 'learning' | 'done'."""
        ...

    def set_skill(self, pk: int, skill_id: str, status: str | None, now: datetime) -> None:
        """Set (or with None clear) the user's status of a skill."""
        ...

    def roadmap_done(self, pk: int) -> set[str]: ...

    def set_step(self, pk: int, step_id: str, done: bool, now: datetime) -> None: ...

    def changes(self, pk: int, since: datetime, until: datetime) -> Changes:
        """What the user did with ``since <= t <= until``: tips last seen, skills whose
        status changed, roadmap steps checked off, tips voted Helpful (for the weekly
        report)."""
        ...


class Tips(Protocol):
    """What a user saw of the tips, and their votes and saved tips."""

    def tip_views(self, pk: int) -> dict[str, int]:
        """tip id -> times shown."""
        ...

    def record_view(self, pk: int, tip_id: str, now: datetime) -> None: ...

    def marks(self, pk: int) -> dict[str, tuple[int, str | None]]:
        """tip id -> (vote -1/0/1, saved_at ISO or None)."""
        ...

    def set_vote(self, pk: int, tip_id: str, vote: int, now: datetime | None = None) -> None:
        """Set the vote; ``now`` records when it was cast (the weekly report's Helpful)."""
        ...

    def set_saved(self, pk: int, tip_id: str, saved_at: datetime | None) -> None: ...

    # spaced review (bot.core.review) -----------------------------------------------

    def reviews(self, pk: int) -> list[ReviewRow]:
        """The user's review states, by tip id; ``active`` when the tip is still saved
        or voted Helpful."""
        ...

    def start_review(self, pk: int, tip_id: str, due_at: int) -> None:
        """Make the tip reviewable, first due at ``due_at``; a known state is kept."""
        ...

    def answer_review(
        self,
        pk: int,
        tip_id: str,
        *,
        seq: int,
        remembered: bool,
        due_at: int,
        interval: int,
        ease: int,
        streak: int,
        now: datetime,
    ) -> bool:
        """Record an answer to the state with ``seq`` answers so far (compare and set):
        False, changing nothing, when the tip has no state or another answer came first."""
        ...

    def carry_review(self, pk: int, tip_id: str, local_date: str) -> None:
        """Note that the daily tip of ``local_date`` carries this review."""
        ...


class Subscriptions(Protocol):
    """Subscriptions: a user's daily tip and weekly report (``kind`` 'daily' / 'weekly',
    at most one of each per user), and daily tips per (platform, tenant, channel)."""

    def of_user(self, user_pk: int, kind: str = "daily") -> SubRow | None:
        """The user's subscription of that kind (their daily tip unless told)."""
        ...

    def get(self, sub_id: int) -> SubRow | None: ...

    def of_channels(self, platform: str, tenant: str) -> list[SubRow]:
        """The channel subscriptions of a workspace/server, by id."""
        ...

    def save_user(
        self,
        *,
        user_pk: int,
        platform: str,
        tenant: str,
        minute: int,
        tz: str,
        days: int,
        next_due: int,
        next_date: str,
        now: datetime,
        kind: str = "daily",
    ) -> int:
        """Create or replace the user's subscription of ``kind`` (active, unpaused);
        returns its id.

        The id survives changes and ``daily off``, so the ledger's one-row-per-local-date
        rule still holds when someone changes their time after today's tip went out.
        """
        ...

    def save_channel(
        self,
        *,
        platform: str,
        tenant: str,
        channel_id: str,
        owner_pk: int,
        minute: int,
        tz: str,
        days: int,
        next_due: int,
        next_date: str,
        now: datetime,
    ) -> int:
        """Create or replace a channel's subscription (active, unpaused); returns its id."""
        ...

    def set_status(self, sub_id: int, status: str, reason: str, now: datetime) -> None: ...

    def channels_off(self, platform: str, tenant: str, now: datetime) -> int:
        """Turn off every channel subscription of a workspace; returns how many changed."""
        ...

    def set_pause(
        self, sub_id: int, paused_until: int, next_due: int, next_date: str, now: datetime
    ) -> None: ...

    def due(self, now: int, limit: int, platforms: Sequence[str] | None = None) -> list[SubRow]:
        """Active subscriptions whose next instant has come, earliest first.

        ``platforms``: only those (the ones connected now); the others keep their cursor.
        """
        ...

    def advance(self, sub_id: int, next_due: int, next_date: str, missed: int) -> None:
        """Move the cursor past planned dates; add newly skipped ones to ``missed``."""
        ...

    def advance_many(self, cursors: Sequence[Cursor]) -> None: ...

    def take_missed(self, sub_id: int) -> int:
        """The number of skipped deliveries not yet reported, reset to zero."""
        ...

    def earliest_due(self, platforms: Sequence[str]) -> int | None: ...


class Deliveries(Protocol):
    """The delivery ledger: one row per (subscription, local date), unique key each."""

    def insert(self, sub_id: int, local_date: str, due_at: int, state: str, now: datetime) -> bool:
        """Write the row for (subscription, local date); False when it already exists."""
        ...

    def insert_pending(self, rows: Sequence[Planned], now: datetime) -> int:
        """Pending rows; returns how many were new (existing ones are left alone)."""
        ...

    def pending(self, now: int, platforms: Sequence[str], limit: int) -> list[DeliveryRow]:
        """Pending rows ready to (re)try for active subscriptions on ``platforms``."""
        ...

    def get(self, delivery_id: int) -> DeliveryRow | None: ...

    def claim(
        self,
        delivery_id: int,
        tip_id: str,
        missed: int,
        now: datetime,
        review: tuple[str, int] | None = None,
    ) -> None:
        """Fix the tip (and the missed count it reports) and count the attempt;
        ``review``: the (tip id, answer count) of the due review the card carries."""
        ...

    def review_of(self, delivery_id: int) -> tuple[str, int] | None:
        """The (tip id, answer count) of the review the claimed card carries, if any."""
        ...

    def count_attempt(self, delivery_id: int, now: datetime) -> None: ...

    def finish(
        self,
        delivery_id: int,
        state: str,
        now: datetime,
        *,
        message_id: str | None = None,
        detail: str = "",
        retry_at: int | None = None,
    ) -> None: ...

    def channel_views(self, sub_id: int) -> dict[str, int]:
        """How often each tip was posted (or is being posted) by a subscription, pruned
        rows included (see :meth:`prune`)."""
        ...

    def prune(self, before: int, limit: int) -> int:
        """Delete up to ``limit`` finished rows (sent, skipped, failed; never pending)
        due before ``before`` (Unix seconds), oldest first; returns how many went.

        The tips of the pruned 'sent' rows of channel subscriptions are counted on first,
        so :meth:`channel_views` answers the same before and after.
        """
        ...

    def earliest_retry(self, platforms: Sequence[str]) -> int | None: ...

    def overdue_count(self, now: int) -> int:
        """Deliveries due by ``now`` and not sent: pending rows whose due time has passed,
        plus subscriptions due and not yet planned (active ones, on any platform). Cheap:
        both are partial-index scans (for monitoring, on every scrape)."""
        ...

    def states(self, sub_id: int) -> dict[str, str]:
        """local date -> state."""
        ...


class Installations(Protocol):
    """Workspaces that installed careerbot through OAuth, and the OAuth states in flight.

    The store keeps an installation as an opaque ``sealed`` string (the platform
    encrypts it: it holds tokens) per (platform, tenant), with the tenant's state:
    ``active`` while installed, ``uninstalled`` from the moment the workspace removed
    the app (or revoked its token) until it reinstalls or is purged.
    """

    def install(self, platform: str, tenant: str, name: str, sealed: str, now: datetime) -> int:
        """Save (or replace) the installation; the tenant is active again. A reinstall
        resumes the subscriptions its uninstall suspended: returns how many."""
        ...

    def sealed(self, platform: str, tenant: str) -> str | None:
        """The sealed installation of an active tenant; None when not installed."""
        ...

    def uninstall(self, platform: str, tenant: str, now: datetime) -> int:
        """Delete the tenant's installation (its tokens), mark it uninstalled (the first
        uninstall time is kept) and suspend its active subscriptions (reason
        ``uninstalled``): returns how many were suspended."""
        ...

    def all_sealed(self, platform: str) -> list[tuple[str, str]]:
        """(tenant, sealed) of every active installation, by tenant."""
        ...

    def reseal(self, platform: str, tenant: str, sealed: str) -> None:
        """Replace the sealed data of an installation (a new key), nothing else."""
        ...

    def tenants(self, platform: str) -> list[TenantRow]:
        """Every tenant that installed (and has not been forgotten), by tenant id."""
        ...

    def left_before(self, platform: str, cutoff: datetime) -> list[str]:
        """Tenants uninstalled at or before ``cutoff`` (due for the purge)."""
        ...

    def forget(self, platform: str, tenant: str) -> int:
        """Delete the tenant: its users and everything about them, its channel
        subscriptions, its installation. Returns how many users were deleted."""
        ...

    def issue_state(self, state: str, now: int, expires_at: int) -> None:
        """Remember an OAuth state until ``expires_at`` (Unix seconds); drops the states
        expired by ``now``."""
        ...

    def consume_state(self, state: str, now: int) -> bool:
        """Whether ``state`` was issued and has not expired; it can be used only once."""
        ...


class Habits(Protocol):
    """Streak settings and quiet days (issue 14): a user's :class:`Prefs` and the dates
    they are quiet on (kind ``skip``: 'daily skip'; ``away``: the platform said they were
    away at delivery time; ``zone``: skipped over by a move east). Quiet days neither
    count in a streak nor break it; no daily tip goes out on a ``skip`` day."""

    def prefs(self, pk: int) -> Prefs: ...

    def set_prefs(self, pk: int, prefs: Prefs) -> None: ...

    def last_day(self, pk: int) -> date | None:
        """The user's latest activity day (see ``Users.record_activity``)."""
        ...

    def quiet_days(self, pk: int) -> dict[date, str]:
        """date -> kind, ascending."""
        ...

    def add_quiet(self, pk: int, days: Sequence[date], kind: str) -> int:
        """Mark ``days`` quiet; a day already quiet keeps its kind. Returns how many are new."""
        ...

    def unskip(self, pk: int, since: date, days: Sequence[date] | None = None) -> int:
        """Remove ``skip`` days from ``since`` on (only ``days`` when given); returns how
        many went. Earlier days are history and stay."""
        ...

    def quiet_plans(self, pks: Sequence[int], since: date) -> dict[int, QuietPlan]:
        """For the ledger: each of ``pks`` with quiet settings or ``skip`` days from
        ``since`` on (the others are left out)."""


class Links(Protocol):
    """One profile across platforms (``link`` / ``unlink``).

    Every account (a ``users`` row: platform, tenant, user id) has a profile: its own, or
    the one it was linked to. :meth:`Users.user` and :meth:`Users.find_user` answer the
    PROFILE's pk, so every per-user record is the profile's. A profile's daily
    subscription delivers to the account it was set up on (``SubRow.user_id`` is that
    account's). The profile row is always the oldest (lowest id) of its accounts.
    """

    def identity(self, platform: str, tenant: str, user_id: str) -> Identity | None: ...

    def identities(self, profile_pk: int) -> list[Identity]:
        """The accounts that use the profile, the profile's own first, then by id."""
        ...

    def issue(self, identity_pk: int, code_hash: str, now: int, expires_at: int) -> None:
        """Store a new code (its hash) for the account; its earlier codes stop working,
        codes that expired over a day ago are dropped."""
        ...

    def code(self, code_hash: str) -> LinkCode | None: ...

    def failures(self, platform: str, tenant: str, user_id: str, since: int) -> tuple[int, int]:
        """Wrong codes given since ``since`` (Unix seconds): (by this account, by anyone)."""
        ...

    def fail(self, platform: str, tenant: str, user_id: str, now: int, keep_after: int) -> None:
        """Count a wrong code; forget the ones given before ``keep_after``."""
        ...

    def link(self, code_hash: str, identity_pk: int, now: int) -> Linked | None:
        """Use the code up and join the profile of ``identity_pk``'s account with the
        profile of the code's account, in this transaction. The older profile stays; the
        other's records merge into it (the rules of ``bot/storage/link.py``). None when
        the code was used meanwhile (by a concurrent unit)."""
        ...

    def unlink(self, identity_pk: int) -> bool:
        """Give the account a profile of its own again, a copy of the shared one as it is
        now; the daily subscription stays with the account it delivers to. False when the
        account was not linked."""
        ...


class UnitOfWork(Protocol):
    """The repositories of one transaction (valid only inside ``Store.run``)."""

    @property
    def users(self) -> Users: ...

    @property
    def progress(self) -> Progress: ...

    @property
    def tips(self) -> Tips: ...

    @property
    def subscriptions(self) -> Subscriptions: ...

    @property
    def deliveries(self) -> Deliveries: ...

    @property
    def installations(self) -> Installations: ...

    @property
    def habits(self) -> Habits: ...

    @property
    def links(self) -> Links: ...


class Store(Protocol):
    """A database: runs units of work; raises ``bot.core.errors.StoreError`` when it
    cannot be opened or used."""

    @property
    def location(self) -> str:
        """Where the data lives, for messages (never a password)."""
        ...

    async def run(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run ``fn`` as one transaction off the event loop; return its result."""
        ...

    async def schema_version(self) -> int: ...

    async def integrity_check(self) -> list[str]:
        """Problems found in the stored data; [] when healthy."""
        ...

    def lease(self) -> Lease:
        """The daily fan-out's leader lease on this database (see :class:`Lease`)."""
        ...

    async def close(self) -> None: ...


class Lease(Protocol):
    """The right to plan and send daily deliveries: held by one process at a time.

    ``exclusive``: holding it is the condition for running at all (an embedded database
    serves one process); otherwise a process that cannot take it serves commands as a
    follower and tries again. Losing it (the database connection that held it is gone)
    shows in :meth:`held`; the holder must stop sending then.
    """

    exclusive: bool

    async def acquire(self) -> bool:
        """Try once, without waiting; True when this process holds the lease now."""
        ...

    async def held(self) -> bool:
        """Whether the lease is still ours (False after a lost connection)."""
        ...

    def holder(self) -> str:
        """Who holds it, for messages (e.g. a pid), or '' when unknown."""
        ...

    async def release(self) -> None: ...

"""The core: read a request (text or a command by name), run its command in one
transaction, return a reply."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.bank.model import Bank, Role, Skill, Tip
from bot.core import lookup, messages, progress, refs
from bot.core.cards import source_ref
from bot.core.commands import REGISTRY, Command, Registry, clean_text, clean_value, zone_names
from bot.core.errors import CareerbotError, Forbidden, NotFound, UsageError
from bot.core.ports import NoObserver, Observer, Store, UnitOfWork
from bot.core.records import Prefs, UserRow
from bot.core.replies import Reply, SourceRef
from bot.core.requests import Request

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
UNKNOWN_COMMAND = "unknown"  # the command label of text that names no command


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """What a handler sees: the request, the bank, the clock and its unit of work."""

    core: Core
    request: Request
    now: datetime
    tx: UnitOfWork
    user: UserRow
    _prefs: Prefs | None = field(default=None, repr=False)

    @property
    def bank(self) -> Bank:
        return self.core.bank

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.user.tz or "UTC")

    @property
    def today(self) -> date:
        """The user's local date (UTC until they tell us their zone)."""
        return self.now.astimezone(self.zone).date()

    @property
    def prefs(self) -> Prefs:
        """The user's streak settings (read once per command)."""
        if self._prefs is None:
            self._prefs = self.tx.habits.prefs(self.user.pk)
        return self._prefs

    @property
    def day(self) -> date:
        """The user's day for streaks: their local date, turning at their day-start hour."""
        return progress.activity_day(self.now, self.zone, self.prefs.day_start)

    def adopt_zone(self, tz: str, typed: bool) -> None:
        """``tz`` becomes the user's zone when they typed it (they moved) or had none."""
        if tz != self.user.tz and (typed or self.user.tz is None):
            self.tx.users.set_tz(self.user.pk, tz)

    def mark_active(self) -> None:
        """Record a learning action today (streaks count the user's days with one).

        A day never goes back before the last recorded one, and the dates a move east
        skips over are marked neutral (:func:`bot.core.progress.day_to_record`).
        """
        pk, prefs = self.user.pk, self.prefs
        zone = self.user.tz or "UTC"
        last = self.tx.habits.last_day(pk)
        old = None
        if prefs.days_zone is not None and prefs.days_zone != zone:
            old = progress.activity_day(self.now, ZoneInfo(prefs.days_zone), prefs.day_start)
        day, neutral = progress.day_to_record(self.day, last, old)
        if day != last:
            self.tx.users.record_activity(pk, day)
        if neutral:
            self.tx.habits.add_quiet(pk, neutral, "zone")
        if prefs.days_zone != zone:
            self._prefs = replace(prefs, days_zone=zone)
            self.tx.habits.set_prefs(pk, self._prefs)

    def skill(self, query: str) -> Skill:
        found = lookup.find_skill(self.bank, query)
        if found.match is None:
            raise NotFound("skill", query[:60], [s.name for s in found.suggestions])
        return found.match

    def role(self, query: str) -> Role:
        found = lookup.find_role(self.bank, query)
        if found.match is None:
            raise NotFound("role", query[:60], [r.name for r in found.suggestions])
        return found.match

    def tip(self, tip_id: str) -> Tip:
        tip = self.bank.tips.get(self.bank.resolve(tip_id.lower()))  # merged ids too
        if tip is None:
            raise NotFound("tip", tip_id[:20], [], listing=None)
        return tip

    def source(self, tip_or_skill: Tip | Skill | Role) -> SourceRef:
        return source_ref(self.bank, tip_or_skill)


class Core:
    """``observer`` hears of every answered command (name, outcome, seconds): the hook
    ``careerbot run`` connects to its metrics; ``timer`` (monotonic seconds) times them."""

    def __init__(
        self,
        bank: Bank,
        store: Store,
        *,
        clock: Clock = utcnow,
        registry: Registry = REGISTRY,
        observer: Observer | None = None,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.bank = bank
        self.store = store
        self.clock = clock
        self.registry = registry
        self.observer: Observer = observer or NoObserver()
        self.timer = timer

    async def respond(self, request: Request) -> Reply:
        """Answer any request with a reply; never raises (except cancellation)."""
        started = self.timer()
        cmd: Command | None = None
        outcome = "failure"
        try:
            cmd, values = self._read(request)
            reply = await self.store.run(self._unit(request, cmd, values))
            outcome = "ok"
            return reply
        except CareerbotError as err:
            outcome = "user_error"
            return error_reply(err)
        except asyncio.CancelledError:
            outcome = ""  # not answered (shutting down): not counted
            raise
        except Exception:
            log.exception("command failed: platform=%s", request.user.platform)
            return Reply(title=messages.ERROR_TITLE, body=messages.APOLOGY, ok=False, kind="error")
        finally:
            if outcome:
                self._observe(request, cmd, outcome, self.timer() - started)

    async def handle(self, request: Request) -> Reply:
        """Run the request's command; raises :class:`CareerbotError` for user mistakes.

        A request with an ``invocation`` names its command and options; any other is
        command text, parsed by the registry (console, Slack, buttons).
        """
        cmd, values = self._read(request)
        return await self.store.run(self._unit(request, cmd, values))

    def _read(self, request: Request) -> tuple[Command, Mapping[str, str | None]]:
        invocation = request.invocation
        if invocation is None:
            return self.registry.read(clean_text(request.text))
        cmd = self.registry.named(invocation.command)
        return cmd, {name: clean_value(value) for name, value in invocation.options}

    def _observe(self, request: Request, cmd: Command | None, outcome: str, took: float) -> None:
        """Report the command to the observer under a bounded name: a registry command's,
        also when its options were wrong, else ``unknown``."""
        try:
            if cmd is None:
                cmd = self._named(request)
            name = cmd.name if cmd is not None else UNKNOWN_COMMAND
            self.observer.command(name, outcome, took)
        except Exception:  # monitoring never breaks a command
            log.exception("the command observer failed")

    def _named(self, request: Request) -> Command | None:
        """The command a request names, without reading its options (None: no command)."""
        if request.invocation is not None:
            return self.registry.get(request.invocation.command.lower())
        try:
            found = self.registry.lookup(clean_text(request.text))
        except CareerbotError:  # e.g. text over the length limit
            return None
        return found[0] if found else None

    async def execute(
        self, request: Request, cmd: Command, values: Mapping[str, str | None]
    ) -> Reply:
        """Convert and validate ``values`` by option name, check admin, run ``cmd``'s
        handler in one unit of work. Raises :class:`CareerbotError` for user mistakes."""
        return await self.store.run(self._unit(request, cmd, values))

    def _unit(
        self, request: Request, cmd: Command, values: Mapping[str, str | None]
    ) -> Callable[[UnitOfWork], Reply]:
        """What :meth:`execute` runs in the store, once the values are valid."""
        args = self.registry.bind(cmd, values)
        if cmd.admin and not request.is_admin:
            raise Forbidden(messages.FORBIDDEN.format(command=cmd.name))
        now = self.clock()

        who = request.user
        if refs.MARK in who.display_name:  # a name from the platform cannot forge a reference
            who = replace(who, display_name=refs.scrub(who.display_name))
            request = replace(request, user=who)

        def unit(tx: UnitOfWork) -> Reply:
            user = tx.users.user(
                who.platform, who.tenant, who.user_id, who.display_name, now, request.tz_hint
            )
            notices = tx.users.pop_notices(user.pk)
            reply = cmd.handler(Context(self, request, now, tx, user), **args)
            return replace(reply, notices=(*notices, *reply.notices)) if notices else reply

        return unit

    # helpers for adapters (autocomplete) ----------------------------------------------

    def complete(self, kind: str, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, value) choices for an option of ``kind``, ranked by the core's look-up."""
        if kind == "skill":
            return [(s.name, s.id) for s in lookup.complete_skills(self.bank, prefix, limit)]
        if kind == "role":
            return [(r.name, r.id) for r in lookup.complete_roles(self.bank, prefix, limit)]
        if kind == "timezone":
            needle = prefix.strip().lower().replace(" ", "_")
            zones = [z for z in zone_names() if needle in z.lower()]
            zones.sort(key=lambda z: (not z.lower().startswith(needle), len(z), z))
            return [(z, z) for z in zones[:limit]]
        return []

    def commands(self) -> list[Command]:
        return list(self.registry)


def error_reply(err: CareerbotError) -> Reply:
    body = err.message
    if isinstance(err, UsageError) and err.usage:
        body = f"{body}\n{messages.USAGE.format(usage=err.usage)}"
    return Reply(title=messages.ERROR_TITLE, body=body, ok=False, kind="error")

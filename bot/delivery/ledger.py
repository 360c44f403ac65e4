"""The durable delivery ledger: one row per (subscription, local date).

Life of a delivery, each step its own transaction::

    plan     subscription due -> row 'pending' (or 'skipped' when older than the
             catch-up window; the subscription counts it as missed) and the
             subscription's cursor moves to its next instant
    claim    pending row -> tip chosen once and stored (with the missed count it
             reports, and the due review a DM's card carries), the view recorded, the
             attempt counted — all BEFORE sending
    finish   after the platform call -> 'sent' | still 'pending' with a later
             retry | 'failed' (and, for an unreachable user, the subscription suspended
             and a notice queued for their next command)

A weekly report (a subscription of kind 'weekly', one weekday) goes the same way: its
claim marks the row as tried (tip :data:`bot.core.weekly.CLAIMED`) and builds the report
of the 7 local days ending on the row's date, up to its due instant, instead of a tip.

A crash between the platform call and ``finish`` leaves the row 'pending' with its tip
fixed; the resend uses the SAME key and the same card, and the platform layer dedups
(Discord nonce + enforce_nonce, Slack metadata + DM history).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.core import messages, refs
from bot.core.app import Core
from bot.core.cards import delivery_card
from bot.core.ports import SendResult, SendStatus, UnitOfWork
from bot.core.records import Cursor, DeliveryRow, Planned, QuietPlan, SubRow
from bot.core.replies import Reply
from bot.core.requests import User
from bot.core.review import daily_pick
from bot.core.schedule import epoch, from_epoch, schedule_of
from bot.core.tips import pick_tip
from bot.core.weekly import CLAIMED, read_week, weekly_report
from bot.delivery.sender import Target

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # FAILED sends before a delivery is given up
RETRY_BASE = timedelta(seconds=30)  # doubled per failed attempt
RETRY_MAX = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed delivery, ready to send."""

    delivery_id: int
    key: str
    target: Target
    reply: Reply
    resend: bool  # an earlier attempt may have reached the platform (crash, timeout)
    # away-skip: ask the platform whether the user is away first; nothing is claimed yet
    # (no tip fixed, no view): claim again with ``probed=True`` to send
    probe: bool = False


@dataclass
class PlanStats:
    subscriptions: int = 0
    pending: int = 0
    skipped: int = 0
    quiet: int = 0  # days the subscriber skipped ('quiet' rows)


class Ledger:
    def __init__(self, core: Core, catchup: timedelta) -> None:
        self.core = core
        self.catchup = catchup

    # plan ------------------------------------------------------------------------------

    async def plan(
        self, now: datetime, batch: int = 1000, platforms: list[str] | None = None
    ) -> PlanStats:
        """Write ledger rows for every subscription whose next instant has come."""
        stats = PlanStats()

        def unit(tx: UnitOfWork) -> int:
            subs = tx.subscriptions.due(epoch(now), batch, platforms)
            pending: list[Planned] = []
            cursors: list[Cursor] = []
            since = (now - self.catchup).date() - timedelta(days=2)
            pks = [s.user_pk for s in subs if s.user_pk is not None]
            quiet = tx.habits.quiet_plans(pks, since) if pks else {}
            for sub in subs:
                # quiet days are the daily tip's ('daily skip'): the weekly report still comes
                daily = sub.user_pk is not None and sub.kind == "daily"
                plan = quiet.get(sub.user_pk) if daily and sub.user_pk is not None else None
                self._plan_one(tx, sub, now, stats, pending, cursors, plan)
            stats.pending += tx.deliveries.insert_pending(pending, now)
            tx.subscriptions.advance_many(cursors)
            return len(subs)

        while True:
            count = await self.core.store.run(unit)
            stats.subscriptions += count
            if count < batch:
                return stats

    def _plan_one(
        self,
        tx: UnitOfWork,
        sub: SubRow,
        now: datetime,
        stats: PlanStats,
        pending: list[Planned],
        cursors: list[Cursor],
        quiet: QuietPlan | None = None,
    ) -> None:
        """Queue the subscription's pending rows and new cursor; skipped rows go in now,
        and so do the 'quiet' rows of the subscriber's quiet days (no tip, not missed)."""
        plan = schedule_of(sub)
        horizon = now - self.catchup
        missed = 0
        for day, moment in plan.occurrences(from_epoch(sub.next_due) - timedelta(seconds=1)):
            if moment > now:
                cursors.append(Cursor(sub.id, epoch(moment), day.isoformat(), missed))
                return
            if sub.paused_until is not None and epoch(moment) < sub.paused_until:
                continue
            if quiet is not None and quiet.quiet(day.isoformat()):
                if tx.deliveries.insert(sub.id, day.isoformat(), epoch(moment), "quiet", now):
                    stats.quiet += 1
                continue
            if moment >= horizon:
                pending.append(Planned(sub.id, day.isoformat(), epoch(moment)))
            elif tx.deliveries.insert(sub.id, day.isoformat(), epoch(moment), "skipped", now):
                missed += 1
                stats.skipped += 1

    # claim -----------------------------------------------------------------------------

    async def ready(self, now: datetime, platforms: list[str], limit: int) -> list[DeliveryRow]:
        return await self.core.store.run(
            lambda tx: tx.deliveries.pending(epoch(now), platforms, limit)
        )

    async def claim(
        self, delivery_id: int, now: datetime, *, probed: bool = False
    ) -> Outgoing | None:
        """Fix the tip and count the attempt; None when there is nothing to send. For a
        subscriber with away-skip on, first an Outgoing with ``probe`` set (nothing
        fixed) unless ``probed``."""
        return await self.core.store.run(lambda tx: self._claim(tx, delivery_id, now, probed))

    async def away(self, out: Outgoing, detail: str, now: datetime) -> str:
        """The subscriber is away: no tip today; the row becomes 'away' and the day is
        quiet for their streak."""
        return await self.core.store.run(lambda tx: self._away(tx, out, detail, now))

    def _away(self, tx: UnitOfWork, out: Outgoing, detail: str, now: datetime) -> str:
        row = tx.deliveries.get(out.delivery_id)
        if row is None or row.state != "pending":
            return "gone"
        tx.deliveries.finish(row.id, "away", now, detail=detail)
        sub = tx.subscriptions.get(row.sub_id)
        if sub is not None and sub.user_pk is not None:
            tx.habits.add_quiet(sub.user_pk, [date.fromisoformat(row.local_date)], "away")
        return "away"

    def _claim(
        self, tx: UnitOfWork, delivery_id: int, now: datetime, probed: bool = False
    ) -> Outgoing | None:
        row = tx.deliveries.get(delivery_id)
        if row is None or row.state != "pending":
            return None
        sub = tx.subscriptions.get(row.sub_id)
        if sub is None or sub.status != "active":
            return None  # stays pending; expires if it is not turned on again
        if row.due_at < epoch(now - self.catchup):
            # Too old now (downtime, or retries ran past the window): skip it. If it
            # was never tried, the subscriber hears about it with their next tip.
            tx.deliveries.finish(row.id, "skipped", now, detail="expired")
            if row.attempts == 0:
                tx.subscriptions.advance(sub.id, sub.next_due, sub.next_date, 1)
            return None
        if sub.kind == "weekly":
            return self._claim_weekly(tx, row, sub, now)
        tip_id = row.tip_id
        missed = row.missed
        away_skip = tip_id is None and not probed and sub.user_pk is not None
        if away_skip and sub.user_pk is not None and tx.habits.prefs(sub.user_pk).away_skip:
            return Outgoing(row.id, row.key, target_of(sub), Reply(title=""), False, True)
        if tip_id is None:
            level = tx.users.level(sub.user_pk) if sub.user_pk is not None else None
            pick = pick_tip(
                tx, self.core.bank, user_pk=sub.user_pk, channel_sub=sub.id, level=level
            )
            if pick.tip is None:
                tx.deliveries.finish(row.id, "skipped", now, detail="no tip left")
                return None
            tip_id = pick.tip.id
            missed = tx.subscriptions.take_missed(sub.id)
            review = self._review(tx, sub, row, tip_id, now)
            tx.deliveries.claim(row.id, tip_id, missed, now, review)
            if sub.user_pk is not None:
                tx.tips.record_view(sub.user_pk, tip_id, now)
        else:
            tx.deliveries.count_attempt(row.id, now)
            review = tx.deliveries.review_of(row.id)
        tip = self.core.bank.tips.get(self.core.bank.resolve(tip_id))  # merged: the kept
        if tip is None:  # the bank changed under a pending resend
            tx.deliveries.finish(row.id, "skipped", now, detail="tip gone")
            return None
        saved = False
        if sub.user_pk is not None:
            marks = tx.tips.marks(sub.user_pk)
            ids = (tip.id, *self.core.bank.merged_into(tip.id))  # saved before a merge too
            saved = any(marks.get(t, (0, None))[1] is not None for t in ids)
        again = self.core.bank.tips.get(review[0]) if review else None
        carried = (again, review[1]) if again is not None and review else None
        reply = delivery_card(self.core.bank, sub, tip, missed=missed, saved=saved, review=carried)
        return Outgoing(row.id, row.key, target_of(sub), reply, resend=row.tip_id is not None)

    def _claim_weekly(
        self, tx: UnitOfWork, row: DeliveryRow, sub: SubRow, now: datetime
    ) -> Outgoing | None:
        """Count the attempt and build the weekly report (the same one on a resend)."""
        if sub.user_pk is None:  # pragma: no cover (a weekly report is a user's)
            tx.deliveries.finish(row.id, "skipped", now, detail="no user")
            return None
        missed = row.missed
        if row.tip_id is None:
            missed = tx.subscriptions.take_missed(sub.id)
            tx.deliveries.claim(row.id, CLAIMED, missed, now)
        else:
            tx.deliveries.count_attempt(row.id, now)
        day = date.fromisoformat(row.local_date)
        week = read_week(tx, sub.user_pk, day, sub.tz, from_epoch(row.due_at))
        reply = weekly_report(self.core.bank, week)
        if missed:
            reply = replace(reply, notices=(messages.WEEKLY_MISSED.format(n=missed),))
        return Outgoing(row.id, row.key, target_of(sub), reply, resend=row.tip_id is not None)

    def _review(
        self, tx: UnitOfWork, sub: SubRow, row: DeliveryRow, tip_id: str, now: datetime
    ) -> tuple[str, int] | None:
        """The due review a DM's daily tip carries (at most one every few days, see
        :func:`bot.core.review.daily_pick`), noted as carried; fixed with the row."""
        if sub.user_pk is None:
            return None
        rows = tx.tips.reviews(sub.user_pk)
        today = date.fromisoformat(row.local_date)
        pick = daily_pick(rows, epoch(now), self.core.bank.tips, today, skip=tip_id)
        if pick is None:
            return None
        tx.tips.carry_review(sub.user_pk, pick.tip_id, row.local_date)
        return pick.tip_id, pick.answers

    # finish ----------------------------------------------------------------------------

    async def finish(self, out: Outgoing, result: SendResult, now: datetime) -> str:
        """Record the outcome of a send; returns the row's new state."""
        return await self.core.store.run(lambda tx: self._finish(tx, out, result, now))

    def _finish(self, tx: UnitOfWork, out: Outgoing, result: SendResult, now: datetime) -> str:
        row = tx.deliveries.get(out.delivery_id)
        if row is None:
            return "gone"  # the subscriber ran 'forget' meanwhile
        if result.status is SendStatus.SENT:
            tx.deliveries.finish(row.id, "sent", now, message_id=result.message_id)
            return "sent"
        if result.status is SendStatus.UNREACHABLE:
            tx.deliveries.finish(row.id, "failed", now, detail=result.detail)
            self._suspend(tx, row.sub_id, result.detail or "unreachable", now)
            return "failed"
        if result.status is SendStatus.RATE_LIMITED:
            wait = timedelta(seconds=result.retry_after or 1.0)
            retry = epoch(now + wait)
            tx.deliveries.finish(row.id, "pending", now, detail="429", retry_at=retry)
            return "pending"
        if row.attempts >= MAX_ATTEMPTS:
            tx.deliveries.finish(row.id, "failed", now, detail=result.detail)
            log.warning("delivery %s failed %d times; giving up", row.key, row.attempts)
            return "failed"
        backoff = min(RETRY_MAX, RETRY_BASE * (2 ** max(0, row.attempts - 1)))
        tx.deliveries.finish(
            row.id, "pending", now, detail=result.detail, retry_at=epoch(now + backoff)
        )
        return "pending"

    def _suspend(self, tx: UnitOfWork, sub_id: int, reason: str, now: datetime) -> None:
        sub = tx.subscriptions.get(sub_id)
        if sub is None:
            return
        tx.subscriptions.set_status(sub.id, "suspended", reason, now)
        log.info("daily subscription %d suspended: %s", sub.id, reason)
        if sub.notify_pk is None:
            return
        if sub.kind == "weekly":
            text = messages.WEEKLY_CANT_DM.format(reason=reason)
        elif sub.channel_id is None:
            text = messages.DAILY_CANT_DM.format(reason=reason)
        else:
            where = refs.channel(sub.channel_id)
            text = messages.ADMIN_CHANNEL_FAILED.format(channel=where, reason=reason)
        tx.users.push_notice(sub.notify_pk, text, now)

    # pruning ---------------------------------------------------------------------------

    async def prune(self, now: datetime, retention: timedelta, limit: int) -> int:
        """Delete up to ``limit`` finished rows older than ``retention`` AND than the
        catch-up window (one transaction); returns how many went.

        What stays is all that reads the ledger needs: pending rows (never pruned), the
        rows of every date that can still be planned or resent (inside the catch-up
        window; a subscription's cursor only moves forward past its rows, and ``daily``
        sets it from now on), recent ones for ``first_open``/``next``, and a channel's
        posted tips (folded into counts). Streaks come from ``activity`` and missed
        counts from the subscription, neither from here.
        """
        before = epoch(now - max(retention, self.catchup))
        return await self.core.store.run(lambda tx: tx.deliveries.prune(before, limit))

    async def prune_some(
        self, now: datetime, retention: timedelta, batch: int, batches: int
    ) -> tuple[int, bool]:
        """Up to ``batches`` prunes of ``batch`` rows, each its own transaction (other
        units run between them); returns (rows pruned, whether more are left)."""
        total = 0
        for _ in range(batches):
            gone = await self.prune(now, retention, batch)
            total += gone
            if gone < batch:
                break
        else:
            log.info("delivery ledger: %d old rows pruned; more at the next tick", total)
            return total, True
        if total:
            log.info("delivery ledger: %d finished rows past the retention pruned", total)
        return total, False

    # waking up -------------------------------------------------------------------------

    async def next_wake(self, platforms: list[str]) -> datetime | None:
        """The earliest instant with work: a subscription due or a retry."""
        due, retry = await self.core.store.run(
            lambda tx: (
                tx.subscriptions.earliest_due(platforms),
                tx.deliveries.earliest_retry(platforms),
            )
        )
        found = [x for x in (due, retry) if x is not None]
        return from_epoch(min(found)) if found else None


def target_of(sub: SubRow) -> Target:
    if sub.channel_id is not None:
        return Target(sub.platform, sub.tenant, channel_id=sub.channel_id)
    user = User(sub.platform, sub.tenant, sub.user_id or "", sub.display_name or "")
    return Target(sub.platform, sub.tenant, user=user)

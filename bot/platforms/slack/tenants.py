"""Workspaces that leave: the purge after the grace period (no Slack library here).

An uninstalled workspace (``app_uninstalled`` / ``tokens_revoked``) keeps its users'
data for ``CAREERBOT_UNINSTALL_GRACE_DAYS`` days in case it reinstalls; then
:func:`purge` deletes them. The OAuth-mode adapter runs it at start and every hour;
``careerbot tenants purge`` runs it once (e.g. from cron, or with the bot stopped).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.ports import Store, UnitOfWork

log = logging.getLogger(__name__)

PLATFORM = "slack"


async def purge(store: Store, now: datetime, grace_days: int) -> list[tuple[str, int]]:
    """Forget every workspace uninstalled ``grace_days`` ago or earlier:
    [(team, users deleted)]."""
    cutoff = now - timedelta(days=grace_days)

    def unit(tx: UnitOfWork) -> list[tuple[str, int]]:
        gone = tx.installations.left_before(PLATFORM, cutoff)
        return [(team, tx.installations.forget(PLATFORM, team)) for team in gone]

    done = await store.run(unit)
    for team, users in done:
        log.info("purged uninstalled Slack workspace %s (%d users)", team, users)
    return done

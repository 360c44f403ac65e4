"""Slack's part of the command line: ``careerbot run``'s HTTP-mode arguments, and the
operator's commands of OAuth mode (several workspaces)::

    careerbot tenants list              the installed (and uninstalled) workspaces
    careerbot tenants forget TEAM       delete a workspace and all its users' data now
    careerbot tenants purge             forget the workspaces uninstalled more than
                                        CAREERBOT_UNINSTALL_GRACE_DAYS days ago
    careerbot secrets new-key           print a fresh CAREERBOT_SECRET_KEY
    careerbot secrets rotate-key        re-encrypt the stored tokens under
                                        CAREERBOT_NEW_SECRET_KEY (then swap the keys)

:func:`register` imports no Slack library (``careerbot --help`` stays fast).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    from bot.cli import Subparsers
    from bot.core.ports import Store, UnitOfWork
    from bot.platforms.slack.settings import SlackSettings

T = TypeVar("T")
PLATFORM = "slack"
NEW_KEY_ENV = "CAREERBOT_NEW_SECRET_KEY"
ROTATED = (
    "Re-encrypted {n} Slack installations under the new key. Now set CAREERBOT_SECRET_KEY "
    "to the value of CAREERBOT_NEW_SECRET_KEY (and back it up), unset the latter, and "
    "restart careerbot."
)
NO_NEW_KEY = (
    f"{NEW_KEY_ENV} is not set: put the new key there (create one with "
    "'careerbot secrets new-key'); CAREERBOT_SECRET_KEY stays the current one"
)
FORGOTTEN = "Forgot Slack workspace {team}: {users} users and their data deleted."
UNKNOWN_TEAM = "No Slack workspace {team} is known."
PURGED = "Purged {n} workspaces uninstalled more than {days} days ago."


def run_arguments(run: argparse.ArgumentParser) -> None:
    """``--http``, ``--host``, ``--port``: they reach the adapter as ``build`` options."""
    run.add_argument("--http", action="store_true", help="Slack HTTP mode (signing secret)")
    run.add_argument("--host", help="HTTP mode: address to bind")
    run.add_argument("--port", type=int, help="HTTP mode: port")


def register(subparsers: Subparsers) -> None:
    """Add ``careerbot tenants`` and ``careerbot secrets``."""
    p = subparsers.add_parser(
        "tenants",
        help="Slack workspaces installed through OAuth: list, forget, purge",
        description="The Slack workspaces that installed careerbot (OAuth mode).",
    )
    p.set_defaults(run=run)
    sub = p.add_subparsers(dest="action", metavar="COMMAND", required=True)
    sub.add_parser("list", help="every workspace, its state and its number of users")
    forget = sub.add_parser("forget", help="delete a workspace and its users' data now")
    forget.add_argument("team", metavar="TEAM", help="the workspace id (T…)")
    sub.add_parser("purge", help="forget the workspaces whose grace period is over")

    s = subparsers.add_parser(
        "secrets",
        help="the key that encrypts the Slack tokens at rest",
        description="CAREERBOT_SECRET_KEY: create one, or re-encrypt under a new one.",
    )
    s.set_defaults(run=run_secrets)
    sub = s.add_subparsers(dest="action", metavar="COMMAND", required=True)
    sub.add_parser("new-key", help="print a fresh key")
    sub.add_parser("rotate-key", help=f"re-encrypt the stored tokens under {NEW_KEY_ENV}")


def _slack(settings: Settings) -> SlackSettings:
    from bot.platforms.registry import get, settings_of

    descriptor = get(settings, PLATFORM)
    assert descriptor is not None
    found: SlackSettings = settings_of(settings, descriptor)
    return found


async def _with_store(settings: Settings, fn: Callable[[Store], Awaitable[T]]) -> T:
    from bot.storage import open_store

    store = await open_store(settings.db)
    try:
        return await fn(store)
    finally:
        await store.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    """``careerbot tenants …``."""
    from bot.core.app import utcnow
    from bot.platforms.slack.tenants import purge

    slack = _slack(settings)
    if args.action == "list":
        rows = asyncio.run(
            _with_store(settings, lambda st: st.run(lambda tx: tx.installations.tenants(PLATFORM)))
        )
        print(f"{'TEAM':<12} {'STATE':<12} {'USERS':>6}  {'SINCE':<25} NAME")
        for t in rows:
            since = t.uninstalled_at or t.installed_at
            print(f"{t.tenant:<12} {t.state:<12} {t.users:>6}  {since:<25} {t.name}")
        return 0
    if args.action == "forget":
        team = str(args.team)

        def forget(tx: UnitOfWork) -> int | None:
            known = any(t.tenant == team for t in tx.installations.tenants(PLATFORM))
            users = tx.installations.forget(PLATFORM, team)
            return users if known or users else None

        users = asyncio.run(_with_store(settings, lambda st: st.run(forget)))
        if users is None:
            print(UNKNOWN_TEAM.format(team=team), file=sys.stderr)
            return 1
        print(FORGOTTEN.format(team=team, users=users))
        return 0
    days = slack.uninstall_grace_days
    done = asyncio.run(_with_store(settings, lambda st: purge(st, utcnow(), days)))
    for team, users in done:
        print(FORGOTTEN.format(team=team, users=users))
    print(PURGED.format(n=len(done), days=days))
    return 0


def run_secrets(args: argparse.Namespace, settings: Settings) -> int:
    """``careerbot secrets new-key|rotate-key``: 2 for a missing or wrong key."""
    from bot.platforms.slack.oauth import new_key, reseal_all

    if args.action == "new-key":
        print(new_key())
        return 0
    slack = _slack(settings)
    new = os.environ.get(NEW_KEY_ENV, "").strip()

    async def rotate(store: Store) -> int:
        rows = await store.run(lambda tx: tx.installations.all_sealed(PLATFORM))
        resealed = reseal_all(rows, slack.secret_key, new)

        def save(tx: UnitOfWork) -> None:
            for tenant, sealed in resealed:
                tx.installations.reseal(PLATFORM, tenant, sealed)

        await store.run(save)
        return len(resealed)

    try:
        if not new:
            raise ConfigError(NO_NEW_KEY)
        n = asyncio.run(_with_store(settings, rotate))
    except ConfigError as exc:
        print(f"careerbot secrets: {exc}", file=sys.stderr)
        return 2
    print(ROTATED.format(n=n))
    return 0

"""PostgreSQL repository of OAuth installations and states (:class:`bot.core.ports.Installations`).

Schema: ``installations`` (one row per platform and tenant: the sealed data, NULL once
uninstalled, and the tenant's state) and ``oauth_states`` (migration V3).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.records import TenantRow
from bot.storage.link import StoreLinks
from bot.storage.postgres.repos import Repo

UNINSTALLED = "uninstalled"  # the reason of the subscriptions an uninstall suspends


class PgInstallations(Repo):
    __slots__ = ()

    def install(self, platform: str, tenant: str, name: str, sealed: str, now: datetime) -> int:
        at = now.isoformat()
        self.execute(
            """INSERT INTO installations
                   (platform, tenant, name, sealed, state, installed_at, uninstalled_at)
               VALUES (%s, %s, %s, %s, 'active', %s, NULL)
               ON CONFLICT (platform, tenant) DO UPDATE SET
                   name = excluded.name,
                   sealed = excluded.sealed,
                   installed_at = CASE WHEN installations.state = 'active'
                       THEN installations.installed_at ELSE excluded.installed_at END,
                   state = 'active',
                   uninstalled_at = NULL""",
            (platform, tenant, name, sealed, at),
        )
        return self.execute(
            """UPDATE subscriptions SET status = 'active', reason = '', updated_at = %s
               WHERE platform = %s AND tenant = %s AND status = 'suspended' AND reason = %s""",
            (at, platform, tenant, UNINSTALLED),
        )

    def sealed(self, platform: str, tenant: str) -> str | None:
        row = self.fetchone(
            "SELECT sealed FROM installations WHERE platform = %s AND tenant = %s"
            " AND state = 'active'",
            (platform, tenant),
        )
        return str(row[0]) if row and row[0] is not None else None

    def uninstall(self, platform: str, tenant: str, now: datetime) -> int:
        at = now.isoformat()
        self.execute(
            """INSERT INTO installations
                   (platform, tenant, name, sealed, state, installed_at, uninstalled_at)
               VALUES (%s, %s, '', NULL, 'uninstalled', %s, %s)
               ON CONFLICT (platform, tenant) DO UPDATE SET
                   sealed = NULL,
                   state = 'uninstalled',
                   uninstalled_at = COALESCE(installations.uninstalled_at,
                                             excluded.uninstalled_at)""",
            (platform, tenant, at, at),
        )
        return self.execute(
            """UPDATE subscriptions SET status = 'suspended', reason = %s, updated_at = %s
               WHERE platform = %s AND tenant = %s AND status = 'active'""",
            (UNINSTALLED, at, platform, tenant),
        )

    def all_sealed(self, platform: str) -> list[tuple[str, str]]:
        rows = self.fetchall(
            "SELECT tenant, sealed FROM installations WHERE platform = %s AND state = 'active'"
            " AND sealed IS NOT NULL ORDER BY tenant",
            (platform,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    def reseal(self, platform: str, tenant: str, sealed: str) -> None:
        self.execute(
            "UPDATE installations SET sealed = %s WHERE platform = %s AND tenant = %s"
            " AND state = 'active'",
            (sealed, platform, tenant),
        )

    def tenants(self, platform: str) -> list[TenantRow]:
        rows = self.fetchall(
            """SELECT i.tenant, i.name, i.state, i.installed_at, i.uninstalled_at,
                      (SELECT count(*) FROM users u
                        WHERE u.platform = i.platform AND u.tenant = i.tenant)
               FROM installations i WHERE i.platform = %s ORDER BY i.tenant""",
            (platform,),
        )
        return [TenantRow(platform, r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in rows]

    def left_before(self, platform: str, cutoff: datetime) -> list[str]:
        rows = self.fetchall(
            "SELECT tenant FROM installations WHERE platform = %s AND state = 'uninstalled'"
            " AND uninstalled_at <= %s ORDER BY tenant",
            (platform, cutoff.isoformat()),
        )
        return [str(r[0]) for r in rows]

    def forget(self, platform: str, tenant: str) -> int:
        key = (platform, tenant)
        # profiles its accounts hold for accounts elsewhere (linked) pass to those first
        StoreLinks(self, "%s", lambda _: None).separate_tenant(platform, tenant)
        self.execute("DELETE FROM subscriptions WHERE platform = %s AND tenant = %s", key)
        users = self.execute("DELETE FROM users WHERE platform = %s AND tenant = %s", key)
        self.execute("DELETE FROM installations WHERE platform = %s AND tenant = %s", key)
        return users

    def issue_state(self, state: str, now: int, expires_at: int) -> None:
        self.execute("DELETE FROM oauth_states WHERE expires_at <= %s", (now,))
        self.execute(
            "INSERT INTO oauth_states (state, expires_at) VALUES (%s, %s)", (state, expires_at)
        )

    def consume_state(self, state: str, now: int) -> bool:
        row = self.fetchone(
            "DELETE FROM oauth_states WHERE state = %s RETURNING expires_at", (state,)
        )
        return row is not None and int(row[0]) > now

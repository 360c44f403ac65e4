"""PostgreSQL repository of streak settings and quiet days (:class:`bot.core.ports.Habits`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core.records import Prefs, QuietPlan
from bot.storage.postgres.repos import Repo
from bot.storage.quiet import plans


class PgHabits(Repo):
    __slots__ = ()

    def prefs(self, pk: int) -> Prefs:
        row = self.fetchone(
            "SELECT day_start, away_skip, weekends_since, days_zone FROM user_prefs"
            " WHERE user_pk = %s",
            (pk,),
        )
        if row is None:
            return Prefs()
        return Prefs(int(row[0]), bool(row[1]), row[2], row[3])

    def set_prefs(self, pk: int, prefs: Prefs) -> None:
        self.execute(
            """INSERT INTO user_prefs (user_pk, day_start, away_skip, weekends_since, days_zone)
               VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (user_pk) DO UPDATE SET
                 day_start = excluded.day_start, away_skip = excluded.away_skip,
                 weekends_since = excluded.weekends_since, days_zone = excluded.days_zone""",
            (pk, prefs.day_start, int(prefs.away_skip), prefs.weekends_since, prefs.days_zone),
        )

    def last_day(self, pk: int) -> date | None:
        row = self.fetchone("SELECT max(day) FROM activity WHERE user_pk = %s", (pk,))
        return date.fromisoformat(row[0]) if row and row[0] else None

    def quiet_days(self, pk: int) -> dict[date, str]:
        rows = self.fetchall(
            "SELECT day, kind FROM quiet_days WHERE user_pk = %s ORDER BY day", (pk,)
        )
        return {date.fromisoformat(r[0]): r[1] for r in rows}

    def add_quiet(self, pk: int, days: Sequence[date], kind: str) -> int:
        if not days:
            return 0
        return self.execute(
            "INSERT INTO quiet_days (user_pk, day, kind)"
            " SELECT %s, d, %s FROM unnest(%s::text[]) AS d ON CONFLICT DO NOTHING",
            (pk, kind, sorted({d.isoformat() for d in days})),
        )

    def unskip(self, pk: int, since: date, days: Sequence[date] | None = None) -> int:
        if days is None:
            return self.execute(
                "DELETE FROM quiet_days WHERE user_pk = %s AND kind = 'skip' AND day >= %s",
                (pk, since.isoformat()),
            )
        return self.execute(
            "DELETE FROM quiet_days WHERE user_pk = %s AND kind = 'skip' AND day >= %s"
            " AND day = ANY(%s::text[])",
            (pk, since.isoformat(), [d.isoformat() for d in days]),
        )

    def quiet_plans(self, pks: Sequence[int], since: date) -> dict[int, QuietPlan]:
        if not pks:
            return {}
        prefs = self.fetchall(
            "SELECT user_pk, weekends_since, away_skip FROM user_prefs"
            " WHERE user_pk = ANY(%s) AND (weekends_since IS NOT NULL OR away_skip = 1)",
            (list(pks),),
        )
        skips = self.fetchall(
            "SELECT user_pk, day FROM quiet_days WHERE user_pk = ANY(%s)"
            " AND kind = 'skip' AND day >= %s",
            (list(pks), since.isoformat()),
        )
        return plans(prefs, skips)

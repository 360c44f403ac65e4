"""Tip rotation quality (issue 15): ``python -m tests.bench.rotation`` (part of ``make bench``).

For new users at each level, their first ``--tips`` tips (through the Core on a temporary
SQLite file, as ``tip`` answers them): how many consecutive pairs share a skill (goal 0),
how many skills and categories they cover (goal >= 15 skills, >= 8 categories) and how
many are distinct. One JSON line per level, with the range over ``--users`` users.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from itertools import pairwise
from pathlib import Path

from bot.bank import load_bank
from bot.core.app import Core
from bot.core.requests import Request, User
from bot.storage import open_store

LEVELS = ("all", "aspiring", "early", "experienced")


async def main(users: int, count: int) -> None:
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(str(Path(tmp) / "rotation.db"))
        core = Core(bank, store)
        try:
            for level in LEVELS:
                same, skills, cats, distinct = [], [], [], []
                for n in range(users):
                    user = User("console", "local", f"{level}-{n}", "")
                    if level != "all":
                        await core.respond(Request(user=user, text=f"level {level}"))
                    shown = []
                    for _ in range(count):
                        reply = await core.respond(Request(user=user, text="tip"))
                        shown.append(bank.tips[(reply.footer or "").split(" ")[0]])
                    covered = {s for t in shown for s in t.skills}
                    same.append(sum(1 for a, b in pairwise(shown) if set(a.skills) & set(b.skills)))
                    skills.append(len(covered))
                    cats.append(len({bank.skills[s].category for s in covered}))
                    distinct.append(len({t.id for t in shown}))
                line = {
                    "bench": "rotation",
                    "level": level,
                    "users": users,
                    "tips": count,
                    "same_skill_pairs_max": max(same),
                    "skills": [min(skills), max(skills)],
                    "categories": [min(cats), max(cats)],
                    "distinct_min": min(distinct),
                }
                print(json.dumps(line), flush=True)
        finally:
            await store.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=8, help="new users per level")
    ap.add_argument("--tips", type=int, default=30, help="tips per user")
    args = ap.parse_args()
    asyncio.run(main(args.users, args.tips))

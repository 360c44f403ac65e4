"""The benches' same-work baseline runs exactly the statements careerbot's store runs."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from bot.bank import load_bank
from bot.core.app import Core
from bot.core.requests import Request, User
from bot.storage import open_store
from tests.bench.samework import COMMANDS, DbThread, Work


def normal(sql: str) -> str:
    """A traced statement without its values (SQLite's trace shows them bound)."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return " ".join(sql.replace("( ", "(").replace(" )", ")").split())


@pytest.mark.parametrize("known", [False, True], ids=["new-user", "known-user"])
@pytest.mark.parametrize("command", COMMANDS)
async def test_same_statements_as_the_store(tmp_path: Path, command: str, known: bool) -> None:
    path = tmp_path / "bench.db"
    store = await open_store(path)
    bank = load_bank()
    core = Core(bank, store)
    ours: list[str] = []
    theirs: list[str] = []
    baseline = DbThread(path)
    work = Work(list(bank.tips))
    try:
        if known:  # both users exist already, with a tip seen and a skill set
            for who in ("U1", "U2"):
                await core.respond(Request(User("slack", "T1", who, who.lower()), "tip"))
                await core.respond(Request(User("slack", "T1", who, who.lower()), "learn python"))

        def trace(tx: object) -> None:
            db: sqlite3.Connection = tx.db  # type: ignore[attr-defined]
            db.set_trace_callback(ours.append)

        await store.run(trace)
        ours.clear()
        reply = await core.respond(Request(User("slack", "T1", "U1", "u1"), command))
        assert reply.ok, reply.body

        await baseline.call(lambda db: db.set_trace_callback(theirs.append))
        await baseline.call(work.transaction(command, ("slack", "T1", "U2"), "u2"))
    finally:
        baseline.close()
        await store.close()
    assert [normal(s) for s in theirs] == [normal(s) for s in ours]
    assert ours[0] == "BEGIN IMMEDIATE" and ours[-1] == "COMMIT"

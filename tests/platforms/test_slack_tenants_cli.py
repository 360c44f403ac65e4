"""``careerbot secrets`` and ``careerbot tenants``: real processes on a SQLite file."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from bot.core.ports import UnitOfWork
from bot.storage import open_store
from tests.test_cli import careerbot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def seed(db: Path, key: str) -> None:
    async def go() -> None:
        store = await open_store(str(db))

        def unit(tx: UnitOfWork) -> None:
            for team in ("TA", "TB"):
                sealed = Fernet(key).encrypt(json.dumps({"bot_token": f"xoxb-{team}"}).encode())
                tx.installations.install("slack", team, f"Team {team}", sealed.decode(), NOW)
            tx.users.user("slack", "TA", "U1", "ada", NOW)

        await store.run(unit)
        await store.close()

    asyncio.run(go())


def sealed(db: Path) -> dict[str, str]:
    async def go() -> dict[str, str]:
        store = await open_store(str(db))
        rows = await store.run(lambda tx: tx.installations.all_sealed("slack"))
        await store.close()
        return dict(rows)

    return asyncio.run(go())


def test_rotate_key_re_encrypts_every_installation(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    old = careerbot(db, "secrets", "new-key").stdout.strip()
    new = Fernet.generate_key().decode()
    seed(db, old)
    out = careerbot(db, "secrets", "rotate-key", env={"CAREERBOT_SECRET_KEY": old})
    assert out.returncode == 2 and "CAREERBOT_NEW_SECRET_KEY is not set" in out.stderr
    wrong = Fernet.generate_key().decode()
    env = {"CAREERBOT_SECRET_KEY": wrong, "CAREERBOT_NEW_SECRET_KEY": new}
    out = careerbot(db, "secrets", "rotate-key", env=env)
    assert out.returncode == 2 and "cannot decrypt" in out.stderr
    assert "Traceback" not in out.stderr
    env = {"CAREERBOT_SECRET_KEY": old, "CAREERBOT_NEW_SECRET_KEY": new}
    out = careerbot(db, "secrets", "rotate-key", env=env)
    assert out.returncode == 0, out.stderr
    assert "Re-encrypted 2 Slack installations" in out.stdout
    for team, value in sealed(db).items():
        assert json.loads(Fernet(new).decrypt(value.encode())) == {"bot_token": f"xoxb-{team}"}


def test_tenants_list_and_forget(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    seed(db, Fernet.generate_key().decode())
    listed = careerbot(db, "tenants", "list")
    assert listed.returncode == 0, listed.stderr
    [_, a, b] = listed.stdout.splitlines()
    assert a.split()[:3] == ["TA", "active", "1"] and b.split()[:3] == ["TB", "active", "0"]
    out = careerbot(db, "tenants", "forget", "TA")
    assert out.returncode == 0 and "1 users" in out.stdout
    assert careerbot(db, "tenants", "forget", "TZ").returncode == 1
    assert [line.split()[0] for line in careerbot(db, "tenants", "list").stdout.splitlines()] == [
        "TEAM",
        "TB",
    ]

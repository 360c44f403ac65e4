"""The command line, run as a user would: separate processes on one database file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bank import load_bank


def careerbot(
    db: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    full_env.update({"CAREERBOT_DB": str(db), **(env or {})})
    full_env.pop("CAREERBOT_TIPS_DIR", None)
    out = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        out.args, out.returncode, out.stdout.decode("utf-8"), out.stderr.decode("utf-8")
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_progress_persists_across_processes_per_user(db: Path) -> None:
    assert careerbot(db, "say", "--user", "a", "learn rust").returncode == 0
    a = careerbot(db, "say", "--user", "a", "progress")
    b = careerbot(db, "say", "--user", "b", "progress")
    assert a.returncode == 0 and b.returncode == 0
    learning_a = a.stdout.split("Done")[0]
    assert "Rust" in learning_a
    assert "Rust" not in b.stdout


def test_skill_lookup_and_not_found(db: Path) -> None:
    found = careerbot(db, "say", "skill pytroch")
    assert found.returncode == 0 and found.stdout.startswith("PyTorch")
    missing = careerbot(db, "say", "skill cooking")
    assert missing.returncode == 1
    assert "No skill matches 'cooking'. Did you mean:" in missing.stdout
    assert "Traceback" not in missing.stdout + missing.stderr


def test_say_json_prints_the_neutral_reply(db: Path) -> None:
    out = careerbot(db, "say", "--json", "--platform", "slack", "--tenant", "T1", "tip")
    reply = json.loads(out.stdout)
    assert reply["kind"] == "tip" and reply["ok"] is True
    assert reply["source"]["quote"] and reply["buttons"][0]["command"] == "tip"
    bad = careerbot(db, "say", "--json", "frobnicate")
    assert bad.returncode == 1 and json.loads(bad.stdout)["ok"] is False


def test_console_answers_until_quit(db: Path) -> None:
    out = careerbot(db, "console", stdin=b"tip\nquit\nhelp\n")
    assert out.returncode == 0
    assert "Source:" in out.stdout and "Bye!" in out.stdout
    assert "careerbot: commands" not in out.stdout  # nothing after quit


def test_console_prints_one_source_line_and_the_quote_on_request(db: Path) -> None:
    bank = load_bank()
    tip = next(iter(bank.tips.values()))
    skill = bank.skills["pytorch"]
    stdin = f"skill pytorch\nsource {tip.id}\nquit\n".encode()
    out = careerbot(db, "console", stdin=stdin)
    assert out.returncode == 0
    card, quote = out.stdout.split(f"Where {tip.id} comes from")
    [line] = [ln for ln in card.splitlines() if ln.startswith("Source:")]
    assert line.startswith(f"Source: {bank.doc_title(skill.source.doc)}")
    assert skill.source.quote not in card  # no quote paragraph under the card
    assert quote.lstrip("\n").startswith(f"“{tip.source.quote}”") and "Document:" in quote


def test_console_survives_bad_input(db: Path) -> None:
    lines = [
        b"\xff\xfe not utf-8\n",
        b"\n",
        b"frobnicate\n",
        b"skill " + b"x" * 10_000 + b"\n",
        b"learn rust'); DROP TABLE users; --\n",
        b"\x1b[2J\x00learn python\n",
        b"progress\n",
    ]
    out = careerbot(db, "console", stdin=b"".join(lines))
    assert out.returncode == 0, out.stderr
    assert "not valid UTF-8" in out.stdout
    assert "Unknown command 'frobnicate'" in out.stdout
    assert "commands are at most 500" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    assert "Python is now on your learning list" in out.stdout
    check = careerbot(db, "say", "progress")
    assert "Python" in check.stdout  # the SQL-looking text changed nothing else


def test_no_arguments_and_no_tokens_starts_the_console(db: Path) -> None:
    out = careerbot(db, stdin=b"")
    assert out.returncode == 0 and "careerbot console" in out.stdout


def test_help_flag(db: Path) -> None:
    out = careerbot(db, "--help")
    assert out.returncode == 0
    for word in ("console", "say", "run", "tips"):
        assert word in out.stdout


@pytest.mark.parametrize("kind", ["dir", "not-a-db", "no-parent"])
def test_an_unusable_database_is_a_one_line_error(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "x.db"
    if kind == "dir":
        db.mkdir()
    elif kind == "not-a-db":
        db.write_bytes(b"this is not sqlite" * 100)
    else:
        (tmp_path / "file").write_text("x")
        db = tmp_path / "file" / "x.db"  # its parent is a file
    for args in (("say", "tip"), ("console",)):
        out = careerbot(db, *args, stdin=b"tip\n")
        assert out.returncode == 2
        assert out.stderr.startswith("careerbot: cannot open the database")
        assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_ends_quietly(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env["CAREERBOT_DB"] = str(db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.readline()  # the greeting; then the reader goes away
    proc.stdout.close()
    _, err = proc.communicate(b"help\nhelp\nquit\n", timeout=60)
    assert b"Traceback" not in err
    assert proc.returncode == 141


def test_say_as_a_discord_user_keys_them_like_the_adapter(db: Path) -> None:
    """Discord user ids are global: the adapter keys every Discord user under one tenant
    (GLOBAL_TENANT), whichever server a command comes from. ``say --platform discord``
    does the same, so --tenant (a server) does not split one person in two."""
    base = ("say", "--platform", "discord", "--user", "42")
    assert careerbot(db, *base, "--tenant", "1000", "learn rust").returncode == 0
    other_server = careerbot(db, *base, "--tenant", "2000", "progress")
    assert other_server.returncode == 0
    assert "Rust" in other_server.stdout.split("Done")[0]
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT tenant FROM users WHERE platform = 'discord'").fetchall()
    assert rows == [("global",)]
    # a Slack user stays per workspace
    assert (
        careerbot(
            db, "say", "--platform", "slack", "--tenant", "T1", "--user", "U1", "learn rust"
        ).returncode
        == 0
    )
    t2 = careerbot(db, "say", "--platform", "slack", "--tenant", "T2", "--user", "U1", "progress")
    assert "Rust" not in t2.stdout.split("Done")[0]


def test_link_through_the_console(db: Path) -> None:
    """`link` in the console prints the code; a Discord account links with it (separate
    processes on one file), and both then print the same progress."""
    assert careerbot(db, "say", "--user", "ada", "learn rust").returncode == 0
    issued = careerbot(db, "say", "--user", "ada", "link")
    assert issued.returncode == 0, issued.stdout
    code = issued.stdout.split("Your one-time code: ")[1].split()[0]
    discord = ("say", "--platform", "discord", "--user", "42")
    done = careerbot(db, *discord, "link", code)
    assert done.returncode == 0 and "Profiles linked" in done.stdout
    again = careerbot(db, *discord, "link", code)
    assert again.returncode == 1 and "already used" in again.stdout
    mine = careerbot(db, "say", "--user", "ada", "progress").stdout
    theirs = careerbot(db, *discord, "progress").stdout
    assert mine == theirs and "Rust" in mine and "Linked: Console and Discord" in mine
    gone = careerbot(db, *discord, "unlink")
    assert gone.returncode == 0 and "own profile again" in gone.stdout
    assert "Linked" not in careerbot(db, *discord, "progress").stdout

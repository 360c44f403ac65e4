"""The command line's shape: one module per subcommand, one hop from ``careerbot`` to it;
library code returns values or raises (only the CLI prints); the core is built once."""

from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bank.check import check_bank
from bot.bank.extract import ExtractError, draft_files, read_document
from bot.cli import parser
from bot.core.errors import UsageError
from bot.delivery.preview import preview
from bot.health import check as health_check
from bot.storage.sqlite.maintenance import check as db_check

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
TIPS = ROOT / "tips"

# modules that may print, exit or parse arguments: the command line itself
CLI_MODULES = {"bot/__main__.py", "bot/cli/*.py", "bot/platforms/*/cli.py"}


@pytest.mark.parametrize(
    ("argv", "module"),
    [
        (["console"], "bot.cli.console"),
        (["say", "tip"], "bot.cli.say"),
        (["run", "--platform", "slack", "--http", "--port", "3000"], "bot.cli.run"),
        (["tips", "check"], "bot.cli.tips"),
        (["tips", "extract", "doc.txt", "-o", "out.yaml"], "bot.cli.tips"),
        (["db", "backup", "x.db", "--force"], "bot.cli.db"),
        (["db", "restore", "x.db"], "bot.cli.db"),
        (["db", "check"], "bot.cli.db"),
        (["health", "--quiet"], "bot.cli.health"),
        (["schedule", "preview", "--at", "07:30", "--tz", "UTC", "--after", "2027-01-01"],
         "bot.cli.schedule"),
        (["discord", "clear-commands", "--global"], "bot.platforms.discord.cli"),
    ],
)  # fmt: skip
def test_one_parser_one_hop_to_the_subcommand_module(argv: list[str], module: str) -> None:
    args = parser().parse_args(argv)
    assert (args.run.__module__, args.run.__name__) == (module, "run")


def test_parsing_a_platform_subcommand_imports_no_platform_library() -> None:
    probe = (
        "import sys; from bot.cli import parser; "
        "parser().parse_args(['discord', 'clear-commands', '--global']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('discord', 'slack_bolt', 'slack_sdk')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_tips_extract_end_to_end(tmp_path: Path) -> None:
    doc = tmp_path / "advice.txt"
    doc.write_text(
        "You should learn Docker before you touch Kubernetes, because clusters run containers.",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "bot", "tips", "extract", str(doc), "--tips", str(TIPS)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# Draft tips: review") and "id: draft-1" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "tips", "extract", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip().endswith("nope.txt: No such file or directory")


def test_library_functions_return_values_and_print_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    sqlite3.connect(db).close()
    assert db_check(db) == (0, [])
    db.write_bytes(b"not a database" * 200)
    version, problems = db_check(db)
    assert version == 0 and problems[0].startswith("not a readable SQLite database")
    health = health_check(db)
    assert not health.ok and health.lines[0].startswith("no heartbeat at")
    assert check_bank(tmp_path, tmp_path)  # no bank, no documents: problems, as values
    with pytest.raises(ExtractError, match=r"nope\.txt: No such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(ExtractError):
        draft_files([tmp_path / "nope.txt"], [])
    assert [m.isoformat() for m in preview("07:30", "UTC", "mon", "2027-01-01", 1)] == [
        "2027-01-04T07:30:00+00:00"
    ]
    with pytest.raises(UsageError, match="beyond the year 9999"):
        preview("07:30", "UTC", "every day", "9999-12-31T12:00:00Z", 2)
    assert capsys.readouterr() == ("", "")


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(BOT.rglob("*.py"))
    ]


def _is_cli(name: str) -> bool:
    return any(Path(name).match(pattern) for pattern in CLI_MODULES)


def test_only_the_command_line_parses_arguments_prints_or_exits() -> None:
    offenders: list[str] = []
    for name, tree in _modules():
        if _is_cli(name):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names]
                if "argparse" in names or getattr(node, "module", None) == "argparse":
                    offenders.append(f"{name}:{node.lineno}: imports argparse")
            elif isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                if called in ("print", "sys.exit", "exit", "quit"):
                    offenders.append(f"{name}:{node.lineno}: calls {called}")
    assert offenders == []


def test_the_core_is_assembled_in_one_place() -> None:
    builders = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("Core", "app.Core")
    ]
    assert [b.split(":")[0] for b in builders] == ["bot/app.py"]

"""``careerbot tips check|extract``: validate the tip bank, or draft tips from documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "tips",
        help="check the tip bank, or draft tips from a document",
        description="Check the tip bank, or draft tips from a document.",
    )
    p.set_defaults(run=run)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = sub.add_parser(
        "check",
        help="validate the whole bank (file:line problems)",
        description="Validate the whole bank, with file:line problems.",
    )
    c.add_argument(
        "--tips",
        type=Path,
        default=None,
        help="bank directory (default: $CAREERBOT_TIPS_DIR, else the bundled bank)",
    )
    c.add_argument(
        "--seeds",
        type=Path,
        default=None,
        help="seed documents directory (default: the bank's seeds/ if it has one, else the "
        "bundled documents)",
    )
    c.add_argument(
        "--strict",
        action="store_true",
        help="accepted for old scripts: every check (quote support, duplicates by meaning, "
        "card restatements) now runs by default",
    )
    e = sub.add_parser(
        "extract",
        help="draft tips from documents, for review",
        description="Draft tips from documents, for review.",
    )
    e.add_argument("files", nargs="+", type=Path, metavar="FILE")
    e.add_argument("-o", "--output", type=Path, help="write YAML here (default: stdout)")
    e.add_argument(
        "--tips",
        type=Path,
        help="bank whose skills are recognised (default: $CAREERBOT_TIPS_DIR, else the "
        "bundled bank)",
    )
    e.add_argument("--all", action="store_true", help="keep advice naming no known skill")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return _check(args, settings) if args.action == "check" else _extract(args, settings)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    """0 if the bank is clean, 1 with one ``file:line: message`` per problem."""
    from bot import paths
    from bot.bank import load_bank
    from bot.bank.check import check_bank
    from bot.bank.clean import load_seed_docs

    tips_dir: Path = args.tips or settings.tips_dir or paths.tips_dir()
    seeds_dir: Path = args.seeds or paths.seeds_for(tips_dir)
    problems = check_bank(tips_dir, seeds_dir)
    for p in problems:
        print(f"{p.file}:{p.line}: {p.message}")
    if problems:
        print(f"{len(problems)} problem(s) in {tips_dir}", file=sys.stderr)
        return 1
    bank = load_bank(tips_dir, seeds_dir)
    print(
        f"ok: {len(bank.skills)} skills, {len(bank.tips)} tips, {len(bank.roles)} roles, "
        f"{len(bank.industries)} industries, {len(bank.steps)} roadmap steps; "
        f"all quotes verified in {len(load_seed_docs(seeds_dir))} documents"
    )
    return 0


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    """Draft tips as YAML on stdout or in ``-o FILE``; 2 for a FILE in the bank, 1 on errors."""
    from bot import paths
    from bot.bank import BankError, load_bank
    from bot.bank.extract import ExtractError, draft_files, render_drafts

    tips_dir: Path = args.tips or settings.tips_dir or paths.tips_dir()
    if args.output and args.output.resolve().parent == tips_dir.resolve():
        print(f"refusing to write into the bank ({tips_dir}): review drafts first", file=sys.stderr)
        return 2
    try:
        bank = load_bank(tips_dir)
        drafts = draft_files(args.files, bank.skills.values(), keep_untagged=args.all)
    except (BankError, ExtractError) as exc:
        print(exc, file=sys.stderr)
        return 1
    seeds = paths.seeds_for(tips_dir)
    for path in args.files:
        if path.suffix != ".txt" or not (seeds / path.name).is_file():
            print(
                f"note: for 'tips check' to verify its quotes, {path.name} must be in "
                f"{seeds} as a .txt file",
                file=sys.stderr,
            )
    if args.output:
        args.output.write_text(render_drafts(drafts), encoding="utf-8")
        print(f"{len(drafts)} draft tip(s) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(render_drafts(drafts))
    return 0

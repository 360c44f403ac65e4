"""``careerbot tips check|extract``: dispatch to the bank tools."""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = """usage: careerbot tips check [--tips DIR] [--seeds DIR]
       careerbot tips extract FILE... [-o OUT]"""


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("check", "extract"):
        print(USAGE, file=sys.stderr if argv and argv[0] not in ("-h", "--help") else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    from bot.bank.check import main_check, main_extract

    run = main_check if argv[0] == "check" else main_extract
    return int(run(list(argv[1:])))

"""The bank's optional ``levels`` field: who a tip, card or roadmap step serves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import paths
from bot.bank.loader import BankError, load_bank
from bot.bank.model import serves


def _bank_copy(tmp_path: Path) -> Path:
    target = tmp_path / "tips"
    shutil.copytree(paths.tips_dir(), target)
    return target


def test_levels_are_read_and_checked(tmp_path: Path) -> None:
    tips = _bank_copy(tmp_path)
    text = (tips / "tips.yaml").read_text()
    text = text.replace("    levels: [aspiring]\n", "", 1)  # t001's own tag: the first tip
    text = text.replace("  - id: t001\n", "  - id: t001\n    levels: [aspiring, early]\n", 1)
    (tips / "tips.yaml").write_text(text)
    bank = load_bank(tips)
    assert bank.tips["t001"].levels == ("aspiring", "early")

    (tips / "tips.yaml").write_text(text.replace("[aspiring, early]", "[aspiring, guru]", 1))
    with pytest.raises(BankError, match="unknown level 'guru'"):
        load_bank(tips)


@pytest.mark.parametrize(
    ("levels", "level", "expected"),
    [
        ((), "experienced", True),
        (("aspiring",), "experienced", False),
        (("aspiring", "early"), "early", True),
        (("aspiring",), "all", True),
        (("aspiring",), None, True),
    ],
)
def test_serves(levels: tuple[str, ...], level: str | None, expected: bool) -> None:
    assert serves(levels, level) is expected

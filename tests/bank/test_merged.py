"""``merged:`` in tips.yaml: retired tip ids lead to the tip they were merged into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.bank.loader import BankError, load_bank

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_merges_lead_to_live_tips() -> None:
    bank = load_bank(ROOT / "tips", ROOT / "seeds")
    assert bank.merged["t031"] == "t005" and bank.merged["t143"] == "t136"
    assert bank.resolve("t118") == "t023" and bank.resolve("t023") == "t023"
    assert set(bank.merged_into("t005")) == {"t031", "t032", "t066"}
    assert not set(bank.merged) & set(bank.tips)
    assert set(bank.merged.values()) <= set(bank.tips)


def _with_merged(tmp_path: Path, mapping: str) -> Path:
    bank = tmp_path / "tips"
    shutil.copytree(ROOT / "tests" / "fixtures" / "bank", bank)
    path = bank / "tips.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nmerged:\n" + mapping, encoding="utf-8")
    return bank


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("  t031: t999\n", "merged 't031' points at 't999', which is no live tip"),
        ("  t002: t001\n", "merged tip 't002' is still a live tip: delete it"),
        ("  t031: [t001]\n", "merged 't031' needs a tip id, got ['t001']"),
    ],
)
def test_bad_merges_are_reported_with_their_line(
    tmp_path: Path, mapping: str, message: str
) -> None:
    bank = _with_merged(tmp_path, mapping)
    line = (bank / "tips.yaml").read_text(encoding="utf-8").count("\n") - 1 + 1
    with pytest.raises(BankError) as err:
        load_bank(bank)
    assert [str(p) for p in err.value.problems] == [f"tips.yaml:{line}: {message}"]


def test_a_list_instead_of_a_mapping_is_reported(tmp_path: Path) -> None:
    bank = tmp_path / "tips"
    shutil.copytree(ROOT / "tests" / "fixtures" / "bank", bank)
    path = bank / "tips.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nmerged: [t031]\n", encoding="utf-8")
    with pytest.raises(BankError, match="'merged' must map old tip ids to kept ones"):
        load_bank(bank)

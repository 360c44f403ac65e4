"""Skill cards and roadmap steps: how-to-learn steps, quotes that support them, levels."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.bank import Bank, load_bank
from bot.bank.check import MIN_LEARN_STEPS, check_bank

ROOT = Path(__file__).resolve().parents[2]
TIPS, SEEDS = ROOT / "tips", ROOT / "seeds"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(TIPS, SEEDS)


def _edited(tmp_path: Path, file: str, old: str, new: str) -> tuple[Path, int]:
    """A copy of the shipped bank with one edit; returns its dir and the edited line."""
    copy = tmp_path / "tips"
    shutil.copytree(TIPS, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return copy, text[: text.index(old)].count("\n") + 1


def _problems(bank_dir: Path) -> list[str]:
    return [str(p) for p in check_bank(bank_dir, SEEDS)]


def test_every_shipped_card_has_two_learn_steps(bank: Bank) -> None:
    assert all(len(s.learn) >= MIN_LEARN_STEPS for s in bank.skills.values())
    assert check_bank(TIPS, SEEDS) == []


def test_a_card_with_one_learn_step_fails(tmp_path: Path) -> None:
    copy, line = _edited(
        tmp_path,
        "skills.yaml",
        '    learn:\n      - "Reproduce a statistical analysis you already know (a regression or a '
        'hypothesis test) in R and compare it with Python."\n',
        "    learn:\n",
    )
    # the edit starts at the 'learn:' line and drops the first of the card's two steps
    assert _problems(copy) == [
        f"skills.yaml:{line}: skill 'r' has 1 'learn' step(s); needs 2 concrete ones"
    ]


def test_a_card_quote_that_does_not_name_it_fails_unless_reviewed(tmp_path: Path) -> None:
    old = (
        'quote: "APIs and Frameworks: Frameworks like Flask and FastAPI allow you to deploy models '
        'as web services."}\n'
    )
    calculus = (
        'quote: "Calculus: Necessary for optimizing ML models using derivatives and gradients."}'
    )
    copy, line = _edited(tmp_path / "a", "skills.yaml", old, calculus + "\n")
    assert _problems(copy) == [
        f"skills.yaml:{line}: the quote of 'fastapi' names neither it nor its key words: cite a "
        "passage that supports it, or add 'support: <reviewed reason>'"
    ]
    reviewed = calculus + '\n    support: "reviewed: a test of the exception"\n'
    copy, _ = _edited(tmp_path / "b", "skills.yaml", old, reviewed)
    assert _problems(copy) == []


def test_a_step_quote_must_name_one_of_its_skills(tmp_path: Path) -> None:
    copy, line = _edited(
        tmp_path,
        "roadmap.yaml",
        'quote: "Understanding ML algorithms is fundamental."',
        'quote: "Knowing when to use each technique will help you effectively solve a diverse '
        'range of problems."',
    )
    assert _problems(copy) == [
        f"roadmap.yaml:{line}: the quote of 'algorithms' names neither it nor its key words: "
        "cite a passage that supports it, or add 'support: <reviewed reason>'"
    ]


def test_every_card_and_step_says_who_it_serves(bank: Bank) -> None:
    assert all(s.levels for s in bank.skills.values())
    assert all(s.levels for s in bank.steps)
    levels = {sid: set(s.levels) for sid, s in bank.skills.items()}
    # foundations serve people starting out; advanced practice is not sent to them
    for sid in ("python", "probability-statistics", "online-learning", "portfolio"):
        assert "aspiring" in levels[sid], sid
    for sid in ("mlops", "model-optimization", "kubernetes", "edge-ai", "spark"):
        assert levels[sid] == {"early", "experienced"}, sid
    steps = {s.id: set(s.levels) for s in bank.steps}
    assert steps["foundation"] == steps["apply"] == {"aspiring"}


def test_the_big_data_step_is_distributed_processing_not_a_hadoop_cluster(bank: Bank) -> None:
    step = next(s for s in bank.steps if s.id == "big-data")
    assert "hadoop" not in step.done_when.lower() and "spark" in step.done_when.lower()

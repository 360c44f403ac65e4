"""`careerbot tips check`: the real bank passes; broken banks give the right file:line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bank.check import check_bank, near_duplicate
from bot.bank.clean import find_seeds_dir
from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
TIPS, SEEDS = ROOT / "tips", ROOT / "seeds"


def _bank(tmp_path: Path, file: str, old: str, new: str) -> tuple[Path, int]:
    """A copy of the real bank with one edit; returns its dir and the edited line."""
    bank = tmp_path / "tips"
    shutil.copytree(TIPS, bank)
    path = bank / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    pos = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[:pos].count("\n") + 1
    return bank, line


def _rendered(bank: Path) -> list[str]:
    return [str(p) for p in check_bank(bank, SEEDS)]


def test_real_bank_passes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_bank(TIPS, SEEDS) == []
    assert main(["tips", "check", "--tips", str(TIPS), "--seeds", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "all quotes verified in 3 documents" in out
    # --strict is still accepted: every check runs by default now
    assert main(["tips", "check", "--strict", "--tips", str(TIPS), "--seeds", str(SEEDS)]) == 0


def test_the_default_check_includes_support_duplicates_and_restatements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _old_bank(tmp_path, ["t015", "t020", "t080", "t094"])
    assert main(["tips", "check", "--tips", str(bank), "--seeds", str(SEEDS)]) == 1
    out = capsys.readouterr().out
    assert "the quote of 't015' does not name its skill 'java'" in out
    assert "tip 't080' nearly duplicates 't020'" in out
    assert "restates a 'learn' step" in out  # t094 and the explainable-ai card, today


def test_real_bank_passes_as_a_subprocess() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "tips", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tips = (TIPS / "tips.yaml").read_text(encoding="utf-8").count("\n  - id: t")
    assert proc.stdout.startswith("ok: ") and f" {tips} tips," in proc.stdout


def test_quote_not_in_document(tmp_path: Path) -> None:
    bank, line = _bank(
        tmp_path,
        "tips.yaml",
        'quote: "Begin by mastering Python. Then, dive',
        'quote: "Begin by mastering Python. Later, dive',
    )
    problems = _rendered(bank)
    assert problems == [f"tips.yaml:{line}: quote of 't001' not found in 002_63d6ce0e2ea2ab34.txt"]


def test_quote_checked_in_skills_roles_and_roadmap_too(tmp_path: Path) -> None:
    for file, old, new in [
        ("skills.yaml", "R: Ideal for statistical modeling", "R: Perfect for statistical modeling"),
        ("roles.yaml", "Logistics: AI is transforming", "Logistics: AI is reshaping"),
        ("roadmap.yaml", "Deploying models is a key part", "Deploying models is the key part"),
    ]:
        bank, line = _bank(tmp_path / file, file, old, new)
        problems = _rendered(bank)
        assert len(problems) == 1 and problems[0].startswith(f"{file}:{line}: quote of ")


def test_unknown_skill_reference(tmp_path: Path) -> None:
    bank, line = _bank(tmp_path, "tips.yaml", "skills: [python]\n", "skills: [pyhton]\n")
    problems = _rendered(bank)
    assert f"tips.yaml:{line}: unknown skill 'pyhton' in 'skills'" in problems
    # python lost a tip: it still has enough, so nothing else is reported
    assert len(problems) == 1


def test_duplicate_id(tmp_path: Path) -> None:
    bank, line = _bank(tmp_path, "tips.yaml", "- id: t002\n", "- id: t001\n")
    problems = _rendered(bank)
    assert f"tips.yaml:{line}: duplicate id 't001'" in problems


def test_near_duplicate_tip(tmp_path: Path) -> None:
    bank, line = _bank(
        tmp_path,
        "tips.yaml",
        'text: "Go beyond syntax in Python: learn its standard data and ML libraries well enough '
        'to build a model without searching for every call."',
        'text: "Make Python your first language: become fluent in it before spreading out, since '
        'nearly every ML library you use lives there."',
    )
    problems = _rendered(bank)
    assert problems == [f"tips.yaml:{line}: tip 't002' nearly duplicates 't001' (line 7)"]


def test_too_long_tip(tmp_path: Path) -> None:
    long_text = "Build " + "a very long sentence " * 14 + "now."
    bank, line = _bank(
        tmp_path,
        "tips.yaml",
        'text: "Reach for R when a task is mostly statistics or charts: redo one of your Python '
        'analyses in R to learn where each shines."',
        f'text: "{long_text}"',
    )
    problems = _rendered(bank)
    assert len(problems) == 1 and problems[0].startswith(f"tips.yaml:{line}: ")
    assert "280" in problems[0]


def test_skill_needs_two_tips(tmp_path: Path) -> None:
    bank, _ = _bank(tmp_path, "tips.yaml", "skills: [r]\n", "skills: [r-lang]\n")
    text = (bank / "skills.yaml").read_text(encoding="utf-8")
    r_line = text[: text.index("- id: r\n")].count("\n") + 1
    problems = _rendered(bank)
    assert f"skills.yaml:{r_line}: skill 'r' has 1 tip(s); needs 2" in problems


def test_tip_that_is_not_actionable(tmp_path: Path) -> None:
    bank, line = _bank(
        tmp_path,
        "tips.yaml",
        "text: \"Read ndarray's guide for NumPy users before writing Rust array code: it maps "
        'NumPy slicing and axis operations to their ndarray forms."',
        'text: "A guide exists for people who come from NumPy."',
    )
    assert _rendered(bank) == [
        f"tips.yaml:{line}: tip 't149' is not actionable: start a clause with a verb ('Build ...')"
    ]


def test_bad_tip_id_and_missing_document(tmp_path: Path) -> None:
    bank, line = _bank(tmp_path, "tips.yaml", "- id: t003\n", "- id: tip-three\n")
    problems = _rendered(bank)
    assert f"tips.yaml:{line}: tip id 'tip-three' must be t + 3 digits" in problems
    bank2, line2 = _bank(
        tmp_path / "b",
        "tips.yaml",
        'source: {doc: 001_ac9d8d46b6efbc5d.txt, quote: "R: Outstanding',
        'source: {doc: 009_missing.txt, quote: "R: Outstanding',
    )
    assert any(
        p.startswith(f"tips.yaml:{line2}: ") and "009_missing.txt" in p for p in _rendered(bank2)
    )


def test_main_check_prints_file_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank, line = _bank(tmp_path, "tips.yaml", "- id: t002\n", "- id: t001\n")
    assert main(["tips", "check", "--tips", str(bank), "--seeds", str(SEEDS)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"tips.yaml:{line}: duplicate id 't001'" in out


def test_near_duplicate_measure() -> None:
    base = "Write a Dockerfile for your model service and run it on a second machine."
    assert near_duplicate(
        base, "Run your model service on a second machine from a Dockerfile you write."
    )
    assert near_duplicate(base, base.upper())
    assert not near_duplicate(base, "Pin library versions in your Docker image.")


def test_the_core_test_fixture_bank_is_itself_a_valid_bank() -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
    assert [str(p) for p in check_bank(fixture, find_seeds_dir())] == []


def test_text_sharing_eight_words_with_a_document_is_flagged(tmp_path: Path) -> None:
    bank, _ = _bank(
        tmp_path,
        "skills.yaml",
        "Train a deep network that classifies images, from data loading to evaluation.",
        "Start with a degree in computer science, data science, or AI, then train.",
    )
    assert any("shares 8+ consecutive words" in p for p in _rendered(bank))


def test_quotes_are_sentences_or_marked_fragments(tmp_path: Path) -> None:
    marked = "…with the application of several techniques"
    text = (TIPS / "tips.yaml").read_text(encoding="utf-8")
    assert marked in text  # the shipped bank marks its cut quotes
    bank, line = _bank(tmp_path, "tips.yaml", marked, marked.lstrip("…"))
    assert f"tips.yaml:{line}: quote of 't089' starts mid-sentence: mark it '…'" in _rendered(bank)


OLD_TIPS = Path(__file__).resolve().parent / "fixtures" / "issue15_old_tips.yaml"
CARD = """
  - id: {id}
    name: {name}
    category: {category}
    aliases: {aliases}
    what: "A skill for the test."
    why: "It matters for the test."
    learn: {learn}
    source:
      doc: 000_771acf05c7e0b478.txt
      quote: "Master concepts like: Linear algebra for matrix computations."
"""


def _old_bank(tmp_path: Path, ids: list[str], skills: str | None = None) -> Path:
    """A bank of the pre-issue-15 tips ``ids`` (tests/bank/fixtures), with the real
    cards or the given ``skills.yaml`` text."""
    import yaml

    bank = tmp_path / "old"
    shutil.copytree(TIPS, bank)
    if skills is not None:
        (bank / "skills.yaml").write_text(skills, encoding="utf-8")
    old = {t["id"]: t for t in yaml.safe_load(OLD_TIPS.read_text(encoding="utf-8"))["tips"]}
    (bank / "tips.yaml").write_text(
        yaml.safe_dump({"tips": [old[i] for i in ids]}, allow_unicode=True, width=1000),
        encoding="utf-8",
    )
    return bank


def _found(bank: Path, kind: str) -> list[str]:
    return [p.message for p in check_bank(bank, SEEDS) if kind in p.message]


def test_support_check_finds_quotes_that_do_not_back_their_tip(tmp_path: Path) -> None:
    bank = _old_bank(tmp_path, ["t015", "t017", "t148", "t001"])
    found = _found(bank, "does not name")
    for tip in ("t015", "t017", "t148"):  # Java, Scala, networking cited from other lines
        assert any(f"the quote of '{tip}' does not name its skill" in m for m in found), tip
    assert not any("'t001'" in m for m in found)  # "Begin by mastering Python." backs it


def test_support_check_catches_a_skill_named_only_in_a_heading_around_the_quote(
    tmp_path: Path,
) -> None:
    """Old t067, "Profile before you optimise…", quoted Rust marketing ("Rust is emerging
    as a game-changer…"); its skill, numerical computing, is named only by the heading
    the quote sits under, and nothing the tip says is in the passage."""
    skills = "skills:" + "".join(
        CARD.format(id=i, name=n, category=c, aliases=a, learn='["Practise it."]')
        for i, n, c, a in (
            ("numerical-computing", "Numerical computing", "math", "[hpc]"),
            ("model-optimization", "Model optimisation", "ml-area", "[quantization]"),
            ("rust", "Rust", "language", "[]"),
            ("numpy", "NumPy", "library", "[]"),
        )
    )
    bank = _old_bank(tmp_path, ["t067", "t005", "t066"], skills)
    found = _found(bank, "does not name")
    assert found == [
        "the quote of 't067' does not name its skill 'numerical-computing' nor share its key "
        "words: cite a passage that supports it, or add 'support: <reviewed reason>'"
    ]


def test_same_point_check_finds_the_five_duplicate_groups_of_issue_15(tmp_path: Path) -> None:
    groups = [
        {"t005", "t031", "t032", "t066"},
        {"t023", "t075", "t118"},
        {"t020", "t080"},
        {"t092", "t099"},
        {"t136", "t143"},
    ]
    bank = _old_bank(tmp_path, sorted(set().union(*groups)))
    pairs = [set(re.findall(r"'(t\d+)'", m)) for m in _found(bank, "nearly duplicates")]
    for group in groups:
        linked = [p for p in pairs if p <= group]
        # every member is linked, and the links join the group into one
        reach = {min(group)}
        for _ in group:
            reach |= {t for p in linked if p & reach for t in p}
        assert reach == group, (group, linked)
    assert all(any(p <= g for g in groups) for p in pairs), pairs  # nothing across groups


def test_restated_card_step_is_flagged(tmp_path: Path) -> None:
    step = (
        "Explain the predictions of one of your models with feature-importance plots and "
        "per-example explanations."
    )
    skills = "skills:" + "".join(
        CARD.format(id=i, name=n, category=c, aliases="[]", learn=f'["{lrn}"]')
        for i, n, c, lrn in (
            ("explainable-ai", "Explainable AI", "ml-area", step),
            ("portfolio", "Portfolio", "practice", "Keep a portfolio."),
            ("python", "Python", "language", "Write Python daily."),
        )
    )
    bank = _old_bank(tmp_path, ["t094", "t001"], skills)
    assert _found(bank, "restates") == [
        "tip 't094' restates a 'learn' step of 'explainable-ai' (\"Explain the predictions of "
        'one of…"): add something concrete beyond the card'
    ]


def test_a_reviewed_exception_silences_the_support_check(tmp_path: Path) -> None:
    bank = _old_bank(tmp_path, ["t015"])
    text = (bank / "tips.yaml").read_text(encoding="utf-8")
    (bank / "tips.yaml").write_text(
        text.replace("  skills:", "  support: the document pairs Java with Spark\n  skills:"),
        encoding="utf-8",
    )
    assert "support:" in (bank / "tips.yaml").read_text(encoding="utf-8")
    assert not _found(bank, "does not name")

"""`careerbot tips extract`: a new document becomes reviewable drafts, never bank tips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.bank import load_bank
from bot.bank.check import check_bank
from bot.bank.clean import clean_document, normalize_for_match
from bot.bank.extract import draft_tips, is_actionable
from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
TIPS, SEEDS = ROOT / "tips", ROOT / "seeds"

DOC = (
    "=== SCRAPED CONTENT FROM: How I got my first MLOps job ===\n\n"
    "URL: https://example.org/blog/first-mlops-job\n\nCONTENT:\n" + "-" * 80 + "\n"
    "Home Blog About Contact Slot Gacor Login How I got my first MLOps job "
    "Last year I was a data analyst in a small team. "
    "You should learn Docker before you touch Kubernetes, because every cluster runs containers. "
    "Practice deploying a small PyTorch model behind a FastAPI endpoint every week. "
    "My cat likes to sleep in the sun all afternoon long. "
    "Tip: keep your ML projects on GitHub with a clear README for each one. "
    "The weather was great and I enjoyed the summer conference. "
    "Subscribe to our newsletter! 2024 \u00a9 Example. All Rights Reserved.\n" + "-" * 80 + "\n"
)


@pytest.fixture
def doc_file(tmp_path: Path) -> Path:
    path = tmp_path / "first-mlops-job.txt"
    path.write_text(DOC, encoding="utf-8")
    return path


def test_drafts_from_a_small_document() -> None:
    skills = load_bank(TIPS, SEEDS).skills.values()
    drafts = draft_tips(DOC, "first-mlops-job.txt", skills)
    assert [d["id"] for d in drafts] == ["draft-1", "draft-2", "draft-3"]
    assert [d["skills"] for d in drafts] == [
        ["docker", "kubernetes"],
        ["pytorch", "fastapi"],
        ["github"],  # "ML" and "projects" are broad words: not tagged next to GitHub
    ]
    cleaned = normalize_for_match(clean_document(DOC, "first-mlops-job.txt").text)
    for d in drafts:
        text, source = str(d["text"]), d["source"]
        assert isinstance(source, dict) and source["doc"] == "first-mlops-job.txt"
        assert text.startswith("[review] ") and len(text) <= 280
        assert len(source["quote"]) >= 40 and normalize_for_match(source["quote"]) in cleaned
    quotes = " ".join(str(d["source"]) for d in drafts)
    assert "cat" not in quotes and "weather" not in quotes and "Gacor" not in quotes


def test_cli_writes_yaml_that_the_bank_would_reject_until_reviewed(
    doc_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "drafts.yaml"
    assert main(["tips", "extract", str(doc_file), "-o", str(out), "--tips", str(TIPS)]) == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(data["tips"]) == 3
    assert out.read_text(encoding="utf-8").startswith("# Draft tips: review")
    # Dropped into a copy of the bank as-is, the drafts fail the check: ids and marks.
    bank = tmp_path / "bank"
    shutil.copytree(TIPS, bank)
    tips = yaml.safe_load((bank / "tips.yaml").read_text(encoding="utf-8"))
    tips["tips"] += data["tips"]
    (bank / "tips.yaml").write_text(yaml.safe_dump(tips, sort_keys=False), encoding="utf-8")
    assert any("draft-1" in str(p) for p in check_bank(bank, SEEDS))


def test_cli_prints_to_stdout(doc_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tips", "extract", str(doc_file), "--tips", str(TIPS)]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["tips"][0]["source"]["doc"] == "first-mlops-job.txt"


def test_cli_refuses_to_write_into_the_bank(tmp_path: Path, doc_file: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(TIPS, bank)
    before = (bank / "tips.yaml").read_bytes()
    assert (
        main(["tips", "extract", str(doc_file), "--tips", str(bank), "-o", str(bank / "tips.yaml")])
        == 2
    )
    assert (bank / "tips.yaml").read_bytes() == before


def test_missing_file_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tips", "extract", str(tmp_path / "nope.txt"), "--tips", str(TIPS)]) == 1
    assert "nope.txt" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Build a chatbot with NLP.", True),
        ("If you have no degree, follow a structured curriculum.", True),
        ("Do not wait for a degree to start.", True),
        ("- Deploy models on cloud platforms like AWS.", True),
        ("Python remains a staple of machine learning.", False),
        ("Employers value engineers who can think outside the box.", False),
    ],
)
def test_actionable_heuristic(text: str, expected: bool) -> None:
    assert is_actionable(text) is expected


def test_every_bank_tip_is_actionable() -> None:
    tips = yaml.safe_load((TIPS / "tips.yaml").read_text(encoding="utf-8"))["tips"]
    assert all(is_actionable(t["text"]) for t in tips)

"""`careerbot tips extract`: a new document becomes reviewable drafts, never bank tips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.bank import load_bank
from bot.bank.check import check_bank
from bot.bank.clean import clean_document, normalize_for_match
from bot.bank.extract import draft_files, draft_tips, guess_levels, is_actionable, is_advice
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


# --- issue 15: advice, not descriptions; skills by alias; levels; the bank's own seeds ---


@pytest.mark.parametrize(
    "sentence",
    [
        "We recommend pinning the versions of every library in your training image.",
        "Make sure every experiment logs its random seed and data version.",
        "Consider a managed feature store once two teams share the same features.",
        "If you have no degree, follow a structured curriculum with projects.",
        "Technical Blogs: Use reliable sources to read the current industry news.",
        "Working on projects is crucial for applying what you've learned.",
        "Pro Tip: keep a notebook of every error message and how you fixed it.",
        "You should learn Docker before you touch Kubernetes.",
        "Advanced Mathematical Knowledge Master concepts like: Linear algebra for matrices.",
    ],
)
def test_advice_sentences_are_kept(sentence: str) -> None:
    assert is_advice(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Python is the preferred language thanks to libraries like PyTorch and Scikit-learn.",
        "Scikit-learn for building machine learning models.",
        "Unlike software engineers, machine learning engineers create algorithms that learn "
        "from data and improve over time.",
        "Here are some reasons to consider becoming an ML engineer:",
        "Why Choose a Career in Machine Learning?",
        "Focus on Model Deployment and Cloud Tools",
        "In this role, the professional will go about working to: Find out the bias in models.",
        "Use cases include fraud detection, churn prediction and demand forecasting.",
        "Software engineers have to master multiple languages to work through algorithms.",
    ],
)
def test_descriptions_headings_and_list_intros_are_not_advice(sentence: str) -> None:
    assert not is_advice(sentence)


def test_skills_are_found_by_alias_and_hyphenated_names_are_not_verbs() -> None:
    skills = load_bank(TIPS, SEEDS).skills.values()
    doc = (
        "Our stack is small and boring on purpose. "
        "Make sure you can run a k8s deployment of our sklearn service on your laptop. "
        "Teams everywhere rely on scikit-learn and its friends for classic models. "
        "Put your CV online and keep it short and to the point for recruiters. "
    )
    drafts = draft_tips(doc, "stack.txt", skills)
    assert [d["skills"] for d in drafts] == [["kubernetes", "scikit-learn"]]
    assert drafts[0]["source"] == {
        "doc": "stack.txt",
        "quote": "Make sure you can run a k8s deployment of our sklearn service on your laptop.",
    }


@pytest.mark.parametrize(
    ("sentence", "levels"),
    [
        ("If you are a beginner, start with Python and the basics of statistics.", ["aspiring"]),
        ("In your first year, ask for code reviews on every pull request.", ["early"]),
        ("As a senior engineer, mentor one colleague and own the architecture.", ["experienced"]),
        ("Write unit tests for your data pipelines.", []),
    ],
)
def test_levels_are_guessed_from_the_words(sentence: str, levels: list[str]) -> None:
    assert guess_levels(sentence) == levels


def test_drafts_carry_guessed_levels() -> None:
    skills = load_bank(TIPS, SEEDS).skills.values()
    doc = "If you are new to the field, you should build one small PyTorch project first."
    (draft,) = draft_tips(doc, "guide.txt", skills)
    assert draft["levels"] == ["aspiring"] and draft["skills"] == ["pytorch"]


def test_the_shipped_seeds_give_advice_not_descriptions() -> None:
    skills = list(load_bank(TIPS, SEEDS).skills.values())
    drafts = draft_files(sorted(SEEDS.glob("*.txt")), skills)
    quotes = [str(d["source"]["quote"]) for d in drafts]  # type: ignore[index]
    for description in (
        "Scikit-learn for building machine learning models.",
        "create algorithms that learn from data",
        "Here are some reasons to consider becoming an ML engineer:",
        "Why Choose a Career in Machine Learning?",
    ):
        assert not [q for q in quotes if description in q]
    for advice in (
        "Deploy models on cloud platforms like AWS, Azure, or Google Cloud.",
        "Maintain a GitHub repository with your projects to demonstrate your abilities.",
        "Build a chatbot with natural language processing (NLP).",
    ):
        assert advice in quotes


def _bank_with_seeds(tmp_path: Path) -> Path:
    """A team's bank: a copy of the shipped one with its documents in its own seeds/."""
    bank = tmp_path / "mybank"
    shutil.copytree(TIPS, bank)
    shutil.copytree(SEEDS, bank / "seeds")
    return bank


def test_extract_follows_careerbot_tips_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _bank_with_seeds(tmp_path)
    skills = (bank / "skills.yaml").read_text(encoding="utf-8")
    skills = skills.replace("aliases: [k8s, kube,", "aliases: [k8s, helmsman, kube,", 1)
    (bank / "skills.yaml").write_text(skills, encoding="utf-8")
    doc = tmp_path / "stack.txt"
    doc.write_text("You should deploy every service of ours with Helmsman.\n", encoding="utf-8")
    monkeypatch.setenv("CAREERBOT_TIPS_DIR", str(bank))
    assert main(["tips", "extract", str(doc)]) == 0
    out = capsys.readouterr()
    assert yaml.safe_load(out.out)["tips"][0]["skills"] == ["kubernetes"]
    assert f"stack.txt must be in {bank / 'seeds'}" in out.err  # where the document goes


def test_extract_review_check_on_a_teams_own_bank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's path: document into the bank's seeds/, extract, review, check."""
    bank = _bank_with_seeds(tmp_path)
    source = bank / "seeds" / "first-mlops-job.txt"
    source.write_text(DOC, encoding="utf-8")
    with (bank / "documents.yaml").open("a", encoding="utf-8") as titles:
        titles.write('  - {doc: first-mlops-job.txt, title: "Our first MLOps job guide"}\n')
    monkeypatch.setenv("CAREERBOT_TIPS_DIR", str(bank))
    drafts = tmp_path / "drafts.yaml"
    assert main(["tips", "extract", str(source), "-o", str(drafts)]) == 0
    assert "must be in" not in capsys.readouterr().err
    tips = yaml.safe_load(drafts.read_text(encoding="utf-8"))["tips"]
    assert len(tips) == 3
    # the review: own words, real ids, the skills and levels kept, the quotes untouched
    own = [
        "Containerise one small service with Docker, then run that same image on a local "
        "Kubernetes cluster such as kind.",
        "Once a week, wrap a small PyTorch model in a FastAPI endpoint and call it from a "
        "script until it answers reliably.",
        "Start each ML project's GitHub README with a sample input and the output your "
        "model gives for it, so a reader sees it work in ten seconds.",
    ]
    for n, (tip, text) in enumerate(zip(tips, own, strict=True)):
        tip["id"], tip["text"] = f"t9{n:02d}", text
    bank_tips = yaml.safe_load((bank / "tips.yaml").read_text(encoding="utf-8"))
    bank_tips["tips"] += tips
    (bank / "tips.yaml").write_text(yaml.safe_dump(bank_tips, sort_keys=False), encoding="utf-8")
    assert main(["tips", "check"]) == 0, capsys.readouterr().out
    assert "ok: " in capsys.readouterr().out
    assert load_bank(bank).tips["t900"].source.doc == "first-mlops-job.txt"

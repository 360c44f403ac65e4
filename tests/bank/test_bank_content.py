"""The content of the real bank: coverage, the skills others rely on, provenance."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.bank import Bank, load_bank
from bot.bank.clean import load_seed_docs
from bot.bank.model import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(ROOT / "tips", ROOT / "seeds")


def test_sizes(bank: Bank) -> None:
    assert len(bank.skills) >= 50
    assert len(bank.tips) >= 120
    assert len(bank.roles) >= 7
    assert {"healthcare", "finance", "retail", "logistics"} <= set(bank.industries)
    assert len(bank.steps) >= 8
    assert set(CATEGORIES) == {s.category for s in bank.skills.values()}  # every kind named


@pytest.mark.parametrize(
    ("skill", "aliases"),
    [
        ("pytorch", {"torch"}),
        ("kubernetes", {"k8s"}),
        ("scikit-learn", {"sklearn"}),
        ("transformers-llms", {"llm"}),
        ("generative-ai", {"genai"}),
        ("explainable-ai", {"xai"}),
        ("mlops", set()),
        ("rust", set()),
        ("python", set()),
        ("sql", set()),
        ("cpp", {"c++"}),
        ("polars", set()),
        ("fastapi", set()),
        ("linear-algebra", set()),
        ("reinforcement-learning", {"rl"}),
        ("edge-ai", set()),
        ("automl", set()),
        ("communication", set()),
        ("portfolio", set()),
    ],
)
def test_skills_the_issue_names(bank: Bank, skill: str, aliases: set[str]) -> None:
    assert skill in bank.skills
    assert aliases <= {a.lower() for a in bank.skills[skill].aliases}


@pytest.mark.parametrize(
    "role",
    [
        "ml-engineer",
        "nlp-engineer",
        "computer-vision-specialist",
        "ai-ethics-analyst",
        "ai-strategist",
        "data-science-integrator",
        "ai-deployment-specialist",
    ],
)
def test_roles_the_documents_describe(bank: Bank, role: str) -> None:
    assert role in bank.roles and len(bank.roles[role].skills) >= 3


def test_every_skill_is_named_in_the_documents(bank: Bank) -> None:
    text = " ".join(d.text for d in load_seed_docs(ROOT / "seeds").values()).lower()

    def named(form: str) -> bool:
        return re.search(rf"(?<![\w+#]){re.escape(form.lower())}(?![\w+#])", text) is not None

    unnamed = [
        s.id
        for s in bank.skills.values()
        if not any(named(f) for f in (s.name, s.id.replace("-", " "), *s.aliases))
    ]
    assert not unnamed


def test_tips_cover_every_skill_and_every_document(bank: Bank) -> None:
    per_skill = Counter(sid for t in bank.tips.values() for sid in t.skills)
    assert min(per_skill[s] for s in bank.skills) >= 2
    assert {t.source.doc for t in bank.tips.values()} == set(bank.docs)
    assert all(re.fullmatch(r"t\d{3}", tid) for tid in bank.tips)


def test_aliases_are_unambiguous(bank: Bank) -> None:
    owners: dict[str, set[str]] = {}
    for s in bank.skills.values():
        for form in {s.id, s.name.lower(), *(a.lower() for a in s.aliases)}:
            owners.setdefault(form, set()).add(s.id)
    assert {f: o for f, o in owners.items() if len(o) > 1} == {}


def test_roadmap_order_starts_with_foundations_and_ends_with_applying(bank: Bank) -> None:
    ids = [s.id for s in bank.steps]
    assert ids[0] == "foundation" and ids[-1] == "apply"
    assert ids.index("programming") < ids.index("projects") < ids.index("deployment")
    assert all(s.skills for s in bank.steps)


def test_every_tip_says_whom_it_serves(bank: Bank) -> None:
    assert all(t.levels for t in bank.tips.values())
    # beginner advice goes to beginners only (issue 15)
    for tid in ("t001", "t129", "t134"):
        assert bank.tips[tid].levels == ("aspiring",), tid
    per_level = Counter(level for t in bank.tips.values() for level in t.levels)
    assert set(per_level) == {"aspiring", "early", "experienced"}

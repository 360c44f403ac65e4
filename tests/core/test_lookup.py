"""Autocomplete ranking: where the typed text begins, from the first character."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.bank import Bank
from bot.bank.model import Role, Skill
from bot.core.app import Core
from bot.core.lookup import complete_roles, complete_skills, find_skill, norm


def ids(found: Sequence[Skill] | Sequence[Role]) -> list[str]:
    return [e.id for e in found]


def test_fixture_bank_names_that_start_with_the_text_come_first(fixture_bank: Bank) -> None:
    # "p": both names that start with it, from the first character on.
    assert ids(complete_skills(fixture_bank, "p")) == ["python", "pytorch"]
    assert ids(complete_skills(fixture_bank, "py")) == ["python", "pytorch"]
    assert ids(complete_skills(fixture_bank, "Py T")) == ["python", "pytorch"]
    # "t" begins no name but PyTorch's alias "torch": before the fuzzy rest (Rust).
    assert ids(complete_skills(fixture_bank, "t")) == ["pytorch", "rust"]
    # the exact alias first
    assert ids(complete_skills(fixture_bank, "k8s"))[0] == "kubernetes"
    # a later word of a name: "Machine Learning Engineer"
    assert ids(complete_roles(fixture_bank, "e"))[0] == "ml-engineer"
    assert ids(complete_roles(fixture_bank, "lea"))[0] == "ml-engineer"
    # nothing typed: everything, by name
    assert ids(complete_skills(fixture_bank, "  ")) == ["kubernetes", "python", "pytorch", "rust"]


def test_real_bank_py_gives_python_and_pytorch_before_aliases_and_fuzz(real_bank: Bank) -> None:
    got = ids(complete_skills(real_bank, "py"))
    assert got[:2] == ["python", "pytorch"]
    # NumPy ("num py") and Spark ("pyspark") start a word of an alias; Pandas only
    # resembles "py" through its alias "pd": it comes after them.
    assert got.index("numpy") < got.index("pandas")
    assert got.index("spark") < got.index("pandas")
    # A later word of a name beats an alias: "learn" -> Deep learning before
    # Adaptability ("learning agility").
    learn = ids(complete_skills(real_bank, "learn"))
    assert learn.index("deep-learning") < learn.index("adaptability")
    # Several words: each begins a word of the name.
    assert ids(complete_skills(real_bank, "lang mod"))[0] == "transformers-llms"
    # The exact alias is what 'skill ml' answers, so it leads.
    assert ids(complete_skills(real_bank, "ml"))[:2] == ["ml-algorithms", "mlops"]


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_real_bank_every_name_prefix_lists_its_names_first(real_bank: Bank, length: int) -> None:
    """For any start of any name: the exact key (if any), then every name that starts
    with the text, alphabetically, before anything else."""
    skills = list(real_bank.skills.values())
    for query in sorted({s.name[:length] for s in skills}):
        q = norm(query)
        if not q:
            continue
        exact = find_skill(real_bank, query).match if q in _keys(real_bank) else None
        starting = sorted(
            (s for s in skills if norm(s.name).startswith(q) and s is not exact),
            key=lambda s: s.name.lower(),
        )
        head = ([exact] if exact is not None else []) + starting
        got = complete_skills(real_bank, query)
        assert len(got) <= 25
        assert ids(got[: len(head)]) == ids(head[:25]), query


def _keys(bank: Bank) -> set[str]:
    return {norm(k) for s in bank.skills.values() for k in (s.id, s.name, *s.aliases)}


def test_core_complete_caps_at_25_and_keeps_the_order(real_bank: Bank, core: Core) -> None:
    real = Core(real_bank, core.store, clock=core.clock)
    choices = real.complete("skill", "a")
    assert len(choices) == 25
    assert [v for _, v in real.complete("skill", "py")[:2]] == ["python", "pytorch"]
    assert [v for _, v in choices] == ids(complete_skills(real_bank, "a"))

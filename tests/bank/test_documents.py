"""tips/documents.yaml: a short display title for every seed document the bank quotes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import paths
from bot.bank.loader import DOC_TITLE_MAX, BankError, load_bank

SEED_URL = "https://skillgigs.com/career-advice/it-talent/"


def _bank_copy(tmp_path: Path) -> Path:
    target = tmp_path / "tips"
    shutil.copytree(paths.tips_dir(), target)
    return target


def test_every_quoted_document_has_a_short_title() -> None:
    bank = load_bank()
    quoted = {t.source.doc for t in bank.tips.values()}
    quoted |= {s.source.doc for s in bank.skills.values()}
    assert quoted and quoted <= bank.docs.keys()
    for name in quoted:
        title = bank.doc_title(name)
        assert title != name and len(title) <= DOC_TITLE_MAX
    # document 002 (a plain-text seed) no longer shows its first sentence as its title
    assert not bank.doc_title("002_63d6ce0e2ea2ab34.txt").startswith("Machine learning is")
    # the seeds' own URLs are kept; 002 has none
    assert bank.docs["001_ac9d8d46b6efbc5d.txt"].url.startswith(SEED_URL)  # type: ignore[union-attr]
    assert bank.docs["002_63d6ce0e2ea2ab34.txt"].url is None


def test_a_url_in_the_file_is_used_and_must_be_a_url(tmp_path: Path) -> None:
    tips = _bank_copy(tmp_path)
    path = tips / "documents.yaml"
    text = path.read_text()
    marker = '    title: "A guide to becoming an ML engineer in 2025"\n'
    path.write_text(text.replace(marker, marker + "    url: https://example.org/guide\n"))
    assert load_bank(tips).docs["002_63d6ce0e2ea2ab34.txt"].url == "https://example.org/guide"

    path.write_text(text.replace(marker, marker + "    url: not a link\n"))
    with pytest.raises(BankError, match=r"documents.yaml:\d+: 'url' must be an http\(s\) URL"):
        load_bank(tips)


def test_a_quoted_document_without_a_title_is_reported(tmp_path: Path) -> None:
    tips = _bank_copy(tmp_path)
    path = tips / "documents.yaml"
    text = path.read_text()
    cut = text.index("  - doc: 002_63d6ce0e2ea2ab34.txt")
    path.write_text(text[:cut])
    with pytest.raises(BankError) as err:
        load_bank(tips)
    [problem] = err.value.problems
    assert "document '002_63d6ce0e2ea2ab34.txt' has no title in documents.yaml" in str(problem)
    assert problem.file.endswith(".yaml") and problem.line > 0  # where it is first quoted


def test_a_title_for_an_unknown_document_is_reported(tmp_path: Path) -> None:
    tips = _bank_copy(tmp_path)
    path = tips / "documents.yaml"
    path.write_text(path.read_text() + '  - doc: 099_nowhere.txt\n    title: "Ghost"\n')
    with pytest.raises(BankError, match="a title for an unknown document '099_nowhere.txt'"):
        load_bank(tips)


def test_titles_are_checked_for_length_and_duplicates(tmp_path: Path) -> None:
    tips = _bank_copy(tmp_path)
    path = tips / "documents.yaml"
    text = path.read_text()
    long = "x" * (DOC_TITLE_MAX + 1)
    path.write_text(
        text.replace("A guide to becoming an ML engineer in 2025", long)
        + '  - doc: 000_771acf05c7e0b478.txt\n    title: "Again"\n'
    )
    with pytest.raises(BankError) as err:
        load_bank(tips)
    found = "\n".join(map(str, err.value.problems))
    assert f"'title' is {DOC_TITLE_MAX + 1} characters (max {DOC_TITLE_MAX})" in found
    assert "duplicate document '000_771acf05c7e0b478.txt'" in found


def test_a_bank_without_the_file_keeps_the_seeds_titles(tmp_path: Path) -> None:
    tips = _bank_copy(tmp_path)
    (tips / "documents.yaml").unlink()
    bank = load_bank(tips)
    assert bank.doc_title("001_ac9d8d46b6efbc5d.txt") == (
        "Skills That Every Machine Learning Engineer Should Have in 2025"
    )

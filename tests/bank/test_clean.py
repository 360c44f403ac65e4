"""The document cleaner: article kept; menus, footers and spam gone; titles and URLs right."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank.clean import (
    CleanDoc,
    clean_document,
    find_seeds_dir,
    load_seed_docs,
    normalize_for_match,
    normalize_ws,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
D0, D1, D2 = "000_771acf05c7e0b478.txt", "001_ac9d8d46b6efbc5d.txt", "002_63d6ce0e2ea2ab34.txt"


@pytest.fixture(scope="module")
def docs() -> dict[str, CleanDoc]:
    return load_seed_docs(SEEDS)


def test_all_three_seeds_load(docs: dict[str, CleanDoc]) -> None:
    assert sorted(docs) == [D0, D1, D2]
    assert all(d.name == n for n, d in docs.items())


def test_titles_and_urls(docs: dict[str, CleanDoc]) -> None:
    # The header cuts this title with "..."; the cleaner recovers it from the page title.
    assert docs[D0].title == (
        "The 2025 Playbook: Outlook of the Machine Learning Engineer Job Market Trends"
    )
    assert docs[D0].url == (
        "https://magnimindacademy.com/blog/the-2025-playbook-outlook-of-the-"
        "machine-learning-engineer-job-market-trends/"
    )
    assert docs[D1].title == "Skills That Every Machine Learning Engineer Should Have in 2025"
    assert docs[D1].url is not None and docs[D1].url.startswith("https://skillgigs.com/")
    # No header: the title comes from the first line (its first sentence, as it is long).
    assert docs[D2].title == (
        "Machine learning is revolutionizing industries by driving automation across "
        "sectors such as healthcare and finance"
    )
    assert docs[D2].url is None


@pytest.mark.parametrize(
    ("name", "starts", "ends"),
    [
        (
            D0,
            "There are fewer machine learning engineers at present",
            "Developing AI tools that prioritize performance without sacrificing safety.",
        ),
        (
            D1,
            "Artificial intelligence and machine learning are two fields",
            "Soft skills integrated with technical knowledge empower professionals to bring "
            "change across various fields.",
        ),
        (
            D2,
            "Machine learning is revolutionizing industries",
            "follow emerging trends to thrive in this dynamic field.",
        ),
    ],
)
def test_article_body_is_kept_whole(
    docs: dict[str, CleanDoc], name: str, starts: str, ends: str
) -> None:
    text = docs[name].text
    assert text.startswith(starts)
    assert text.endswith(ends)


@pytest.mark.parametrize(
    ("name", "junk"),
    [
        (
            D0,
            [
                "Slot Gacor",
                "Register Webinar",
                "Log in",
                "Magnimind Academy Manage",
                "Accelerating Data Workflows w",
                "SCRAPED CONTENT",
                "URL:",
                "-----",
            ],
        ),
        (
            D1,
            [
                "Skip to content",
                "Travel Nurse",
                "Nurse Specialty Quiz",
                "Sign up",
                "All Rights Reserved",
                "Newsletter",
                "quiz results",
                "Privacy Policy",
                "©",
                "Home > Career Advice",
            ],
        ),
    ],
)
def test_navigation_footer_and_spam_are_gone(
    docs: dict[str, CleanDoc], name: str, junk: list[str]
) -> None:
    for phrase in junk:
        assert phrase not in docs[name].text, phrase


def test_sections_in_the_middle_survive(docs: dict[str, CleanDoc]) -> None:
    assert "Key Industries Hiring Machine Learning Engineers" in docs[D0].text
    assert "Leveraging Rust libraries for data science, such as ndarray and Polars" in docs[D0].text
    assert "6. Containerization and Orchestration" in docs[D1].text
    assert "- Build APIs for your ML models using frameworks like Flask." in docs[D2].text
    assert len(docs[D2].text.splitlines()) > 50  # plain documents keep their lines


def test_small_scraped_document() -> None:
    raw = (
        "=== SCRAPED CONTENT FROM: Ten Tips ===\n\nURL: https://example.org/ten\n\nCONTENT:\n"
        + "-" * 80
        + "\n"
        "Home About Blog Contact Slot Gacor Login Ten Tips Learn Docker early. "
        "Ship one model a month, then slot online reviews in. "
        "Home Blog About Contact Careers Press Help Support Terms Privacy Policy "
        "2024 © Example. All Rights Reserved.\n" + "-" * 80 + "\n"
    )
    doc = clean_document(raw, "ten.txt")
    assert (doc.title, doc.url) == ("Ten Tips", "https://example.org/ten")
    assert doc.text == "Learn Docker early. Ship one model a month, then reviews in."


def test_plain_document_keeps_everything() -> None:
    doc = clean_document("My notes\nUse Git.\n\nWrite tests.\n", "notes.txt")
    assert (doc.title, doc.url) == ("My notes", None)
    assert doc.text == "My notes\nUse Git.\nWrite tests."


def test_normalizers() -> None:
    assert normalize_ws("  a\n\tb   c ") == "a b c"
    assert normalize_for_match("you\u2019ll  \u201cship\u201d\n it") == 'you\'ll "ship" it'


def test_seeds_dir_is_found() -> None:
    found = find_seeds_dir()
    assert sorted(p.name for p in found.glob("*.txt")) == [D0, D1, D2]


def test_only_the_last_cut_off_heading_is_dropped() -> None:
    doc = clean_document("Notes\nUse Git daily.\n- keep commits small\nConclusio", "n.txt")
    assert doc.text == "Notes\nUse Git daily.\n- keep commits small"

"""Draft tips from a self-hoster's own document (``careerbot tips extract FILE...``).

The document is cleaned (:func:`bot.bank.clean.clean_document`), split into sentences,
and each advice-bearing sentence (an imperative, or words like "should", "learn",
"tip:", "build", "practice") that names a known skill becomes a draft tip: its text is
the sentence marked ``[review]``, its quote the verbatim sentence, its skills those the
sentence names (by skill name, id or alias, on word boundaries). Drafts get ids
``draft-N`` that the bank rejects, so nothing reaches ``tips/`` without a human
rewriting it. :func:`render_drafts` gives the YAML; the command line
(:mod:`bot.cli.tips`) writes it to stdout or ``-o FILE``, never into the bank directory.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.bank.clean import clean_document
from bot.bank.model import Skill

log = logging.getLogger(__name__)

REVIEW_MARK = "[review] "
TIP_MAX = 280
QUOTE_MIN = 40
QUOTE_MAX = 1000

_VERBS = """
    add adapt adopt analyse analyze apply ask attend audit automate avoid begin benchmark
    bookmark build change check choose clean collaborate combine commit compare compete
    complete connect consider contribute count create decide define deploy derive describe
    design develop do document draw drill enter estimate evaluate experiment explain explore
    extend filter find fine-tune finish fit focus follow get give go handle identify
    implement improve include integrate invest join keep label learn let limit list load
    look maintain make master measure mention monitor note optimise optimize pair
    participate pick pin plan port practice practise prefer prepare present prioritise
    prioritize process profile protect publish put quantise quantize read reach record
    redeploy redo reduce refine remove replace report reproduce reuse review revisit
    rewrite run schedule search separate serve set share ship show shrink simplify sketch
    solve spend split start stay store structure study submit take talk target teach test
    track train treat try tune understand update upgrade use validate verify version visit
    visualise visualize volunteer watch wrap write
    always never don't dont
"""
IMPERATIVE_VERBS = frozenset(_VERBS.split())
"""Verbs that open an imperative clause in advice ("Build ...", "Keep ...")."""

_CLAUSE_SPLIT = re.compile(r"[.;:!?]\s+|,\s+|\s+[\u2013\u2014-]\s+|\s*\(\s*")
_LEAD = re.compile(r"^[\s\-*\u2022\d.)]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
ADVICE = re.compile(
    r"\b(?:should|must|need to|needs to|learn|tip|build|practice|practise|"
    r"focus on|make sure|consider|master|start with|begin|it is (?:important|crucial|"
    r"essential)|is (?:crucial|essential|key|important))\b",
    re.I,
)


def is_actionable(text: str) -> bool:
    """True if some clause of ``text`` opens with an imperative verb."""
    for clause in _CLAUSE_SPLIT.split(text):
        words = _LEAD.sub("", clause).split()
        if words and words[0].lower().strip("'\"") in IMPERATIVE_VERBS:
            return True
    return False


def is_advice(sentence: str) -> bool:
    return is_actionable(sentence) or bool(ADVICE.search(sentence))


GENERIC_TERMS = frozenset(
    {
        "ml",
        "machine learning",
        "ai",
        "algorithms",
        "programming",
        "coding",
        "projects",
        "cloud",
        "deployment",
        "features",
        "writing",
        "trends",
        "vision",
        "api",
        "apis",
    }
)
"""Broad words: they tag a sentence only when it names nothing more specific."""


@dataclass(frozen=True, slots=True)
class _Term:
    pattern: re.Pattern[str]
    skill_id: str
    generic: bool


def _terms(skills: Iterable[Skill]) -> list[_Term]:
    """Word-boundary patterns for every name, id and alias; short ones match upper case only."""
    terms: list[_Term] = []
    for s in skills:
        forms = {s.name, s.id.replace("-", " "), *s.aliases}
        for form in sorted(forms, key=len, reverse=True):
            body = re.escape(form).replace(r"\ ", r"[\s-]+")
            short = len(form) <= 3
            if short:  # "R", "ML", "CV": only as written in upper case (or the name)
                body = "|".join({re.escape(form.upper()), re.escape(s.name)})
            flags = 0 if short else re.I
            pattern = re.compile(rf"(?<![\w+#])(?:{body})(?![\w+#])", flags)
            terms.append(_Term(pattern, s.id, form.lower() in GENERIC_TERMS))
    return terms


def skills_in(sentence: str, terms: Sequence[_Term]) -> list[str]:
    """Skill ids named in ``sentence``; overlapping mentions go to the longest match."""
    spans: list[tuple[int, int, _Term]] = []
    for t in terms:
        spans.extend((m.start(), m.end(), t) for m in t.pattern.finditer(sentence))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    specific: list[str] = []
    generic: list[str] = []
    end = -1
    for start, stop, term in spans:
        if start < end:
            continue
        end = stop
        bucket = generic if term.generic else specific
        if term.skill_id not in bucket:
            bucket.append(term.skill_id)
    return specific or generic


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        for s in _SENTENCE_END.split(line):
            s = _LEAD.sub("", s).strip() if s.lstrip().startswith(("-", "*", "\u2022")) else s
            if s.strip():
                out.append(s.strip())
    return out


def draft_tips(
    raw: str, name: str, skills: Iterable[Skill], *, start: int = 1, keep_untagged: bool = False
) -> list[dict[str, object]]:
    """Draft tip records for one document (the tips.yaml shape, with ``draft-N`` ids)."""
    doc = clean_document(raw, name)
    terms = _terms(skills)
    drafts: list[dict[str, object]] = []
    for sentence in _sentences(doc.text):
        if not QUOTE_MIN <= len(sentence) <= QUOTE_MAX or not is_advice(sentence):
            continue
        tags = skills_in(sentence, terms)
        if not tags and not keep_untagged:
            continue
        text = REVIEW_MARK + sentence
        if len(text) > TIP_MAX:
            text = text[: TIP_MAX - 1].rsplit(" ", 1)[0] + "\u2026"
        drafts.append(
            {
                "id": f"draft-{start + len(drafts)}",
                "text": text,
                "skills": tags,
                "source": {"doc": name, "quote": sentence},
            }
        )
    log.info("%s: %d draft tip(s)", name, len(drafts))
    return drafts


class ExtractError(Exception):
    """A document cannot be read; the message names it and says why, in one line."""


DRAFTS_HEADER = (
    "# Draft tips: review every one before copying it into tips/tips.yaml.\n"
    "# Rewrite `text` in your own words, give it a new id (t + 3 digits), check the\n"
    "# skills, and copy the seed document into seeds/ so the quote can be verified.\n"
)


def read_document(path: Path) -> str:
    """The text of a UTF-8 document; :class:`ExtractError` if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExtractError(f"{path}: {exc.strerror or exc}") from exc


def draft_files(
    paths: Sequence[Path], skills: Iterable[Skill], *, keep_untagged: bool = False
) -> list[dict[str, object]]:
    """Draft tips from several documents, numbered ``draft-1`` onwards across them all."""
    known = list(skills)
    drafts: list[dict[str, object]] = []
    for path in paths:
        drafts += draft_tips(
            read_document(path),
            path.name,
            known,
            start=len(drafts) + 1,
            keep_untagged=keep_untagged,
        )
    return drafts


def render_drafts(drafts: Sequence[dict[str, object]]) -> str:
    """The drafts as a ``tips:`` YAML document, under a header that says to review them."""
    body = yaml.safe_dump({"tips": list(drafts)}, sort_keys=False, allow_unicode=True, width=1000)
    return DRAFTS_HEADER + body

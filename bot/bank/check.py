"""Validate the whole bank, with ``file:line`` problems (``careerbot tips check``).

The loader (:func:`bot.bank.loader.load_bank`) checks the schema, references, unique
ids and length limits. This module adds what needs the cleaned documents or the whole
bank at once:

* every ``source.quote`` occurs verbatim in its cleaned document (compared with
  :func:`bot.bank.clean.normalize_for_match`: whitespace and curly quotes folded);
* tip ids have the stable form ``t`` + three or more digits;
* no two tips say the same thing (see :func:`near_duplicate`);
* every skill has at least :data:`MIN_TIPS_PER_SKILL` tips;
* every tip is actionable: some clause starts with an imperative verb.

:func:`check_bank` returns the problems; the command line (:mod:`bot.cli.tips`) prints them.
"""

from __future__ import annotations

import difflib
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bank.clean import load_seed_docs, normalize_for_match
from bot.bank.extract import is_actionable
from bot.bank.loader import BankError, Problem, load_bank, read_records

log = logging.getLogger(__name__)

MIN_TIPS_PER_SKILL = 2
TIP_ID = re.compile(r"^t\d{3,}$")
# Near-duplicate thresholds, measured on the real bank (148 tips): the closest pair of
# distinct tips scores content-word Jaccard 0.32 and word-sequence ratio 0.34. A tip
# reworded by swapping a few words or reordering its clauses scores Jaccard >= 0.75, and
# a terse paraphrase ("Get fluent in Python first; ...") 0.5; a copy with a few words
# changed keeps a word-sequence ratio near 0.8. The gaps leave room both ways.
JACCARD_MAX = 0.5
RATIO_MAX = 0.7
_TOKEN = re.compile(r"[a-z0-9+#]+")
_STOPWORDS = (
    "a an the and or of to in on for with your you it its is are be by as at from this that "
    "than then so not no do does one each every any into before after when if"
)
_STOP = frozenset(_STOPWORDS.split())

__all__ = ["Problem", "check_bank", "near_duplicate"]


@dataclass(frozen=True, slots=True)
class _Rec:
    """One YAML list item as plain values, with the line of each key."""

    line: int
    values: dict[str, Any]
    lines: dict[str, int]


def _records(path: Path, key: str) -> list[_Rec]:
    """Items of the top-level ``key`` list, read by the loader; [] if unreadable (the
    loader reports that). Nested keys get lines too: ``source.quote``."""
    out: list[_Rec] = []
    for item in read_records(path, key, []):
        lines = dict(item.key_lines)
        for k, v in item.items():
            for sub_key, line in getattr(v, "key_lines", {}).items():
                lines[f"{k}.{sub_key}"] = line
        out.append(_Rec(item.line, dict(item), lines))
    return out


def _all_sourced(tips_dir: Path) -> Iterator[tuple[str, _Rec]]:
    for file, key in (
        ("skills.yaml", "skills"),
        ("tips.yaml", "tips"),
        ("roles.yaml", "roles"),
        ("roles.yaml", "industries"),
        ("roadmap.yaml", "steps"),
    ):
        for rec in _records(tips_dir / file, key):
            yield file, rec


def _tokens(text: str) -> set[str]:
    words = _TOKEN.findall(text.lower())
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in _STOP}


@dataclass(frozen=True, slots=True)
class _Text:
    """A tip text prepared once for pairwise comparison."""

    tokens: frozenset[str]
    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(frozenset(_tokens(text)), tuple(normalize_for_match(text).lower().split()))


def near_duplicate(a: str, b: str) -> bool:
    """True if two tip texts say the same thing (content-word Jaccard or char ratio)."""
    return _near(_Text.of(a), _Text.of(b))


def _near(a: _Text, b: _Text) -> bool:
    union = a.tokens | b.tokens
    jaccard = len(a.tokens & b.tokens) / len(union) if union else 1.0
    if jaccard >= JACCARD_MAX:
        return True
    # Word sequences, not characters: as discriminating here and ~25x cheaper over the
    # 10,000+ pairs of a bank; the quick ratios are upper bounds that end most pairs.
    matcher = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    return matcher.quick_ratio() >= RATIO_MAX and matcher.ratio() >= RATIO_MAX


def _check_quotes(tips_dir: Path, seeds_dir: Path) -> list[Problem]:
    docs = {n: normalize_for_match(d.text) for n, d in load_seed_docs(seeds_dir).items()}
    if not docs:
        return [Problem(str(seeds_dir), 0, "no seed documents (*.txt) found")]
    problems: list[Problem] = []
    for file, rec in _all_sourced(tips_dir):
        source = rec.values.get("source")
        if not isinstance(source, dict):
            continue
        doc, quote = source.get("doc"), source.get("quote")
        if not isinstance(doc, str) or not isinstance(quote, str) or doc not in docs:
            continue  # missing fields and unknown documents: reported by the loader
        if normalize_for_match(quote) not in docs[doc]:
            line = rec.lines.get("source.quote", rec.lines.get("source", rec.line))
            problems.append(
                Problem(file, line, f"quote of '{rec.values.get('id')}' not found in {doc}")
            )
    return problems


def _check_tips(tips_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    tips = [
        r for r in _records(tips_dir / "tips.yaml", "tips") if isinstance(r.values.get("text"), str)
    ]
    for rec in tips:
        tid = str(rec.values.get("id", ""))
        if tid and not TIP_ID.match(tid):
            problems.append(
                Problem(
                    "tips.yaml",
                    rec.lines.get("id", rec.line),
                    f"tip id '{tid}' must be t + 3 digits",
                )
            )
        if not is_actionable(rec.values["text"]):
            problems.append(
                Problem(
                    "tips.yaml",
                    rec.lines.get("text", rec.line),
                    f"tip '{tid}' is not actionable: start a clause with a verb ('Build ...')",
                )
            )
    prepared = [(rec, _Text.of(rec.values["text"])) for rec in tips]
    for (a, ta), (b, tb) in itertools.combinations(prepared, 2):
        if _near(ta, tb):
            problems.append(
                Problem(
                    "tips.yaml",
                    b.lines.get("text", b.line),
                    f"tip '{b.values.get('id')}' nearly duplicates '{a.values.get('id')}' "
                    f"(line {a.lines.get('text', a.line)})",
                )
            )
    counts: dict[str, int] = {}
    for rec in tips:
        skills = rec.values.get("skills")
        for sid in skills if isinstance(skills, list) else []:
            counts[sid] = counts.get(sid, 0) + 1
    for rec in _records(tips_dir / "skills.yaml", "skills"):
        sid = rec.values.get("id")
        if isinstance(sid, str) and counts.get(sid, 0) < MIN_TIPS_PER_SKILL:
            problems.append(
                Problem(
                    "skills.yaml",
                    rec.lines.get("id", rec.line),
                    f"skill '{sid}' has {counts.get(sid, 0)} tip(s); needs {MIN_TIPS_PER_SKILL}",
                )
            )
    return problems


def check_bank(tips_dir: Path, seeds_dir: Path) -> list[Problem]:
    """Every problem of the bank in ``tips_dir`` against the documents in ``seeds_dir``."""
    problems: list[Problem] = []
    try:
        load_bank(tips_dir, seeds_dir)
    except BankError as exc:
        problems.extend(exc.problems)
    problems.extend(_check_quotes(tips_dir, seeds_dir))
    problems.extend(_check_tips(tips_dir))
    unique = dict.fromkeys((p.file, p.line, p.message) for p in problems)
    return sorted((Problem(*k) for k in unique), key=lambda p: (p.file, p.line, p.message))

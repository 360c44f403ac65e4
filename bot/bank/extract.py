"""Draft tips from a self-hoster's own document (``careerbot tips extract FILE...``).

The document is cleaned (:func:`bot.bank.clean.clean_document`), split into sentences,
and each advice sentence (:func:`is_advice`: an imperative, "should", "make sure",
"recommend", "tip:"…; not a description, a heading, a question or a list's
introduction) that names a known skill becomes a draft tip: its text is the sentence
marked ``[review]``, its quote the verbatim sentence, its skills those the sentence
names (by skill name, id or alias, on word boundaries: "scikit-learn" is a library,
never the verb "learn"), and ``levels`` the readers its words point to (a guess, see
:func:`guess_levels`). Drafts get ids
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
    containerise containerize
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

# Advice by its words: a recommendation, a modal addressed to the reader, a marked tip.
# Not bare verbs such as "learn" or "build": "algorithms that learn from data" and
# "Scikit-learn for building models" describe, they do not advise.
ADVICE = re.compile(
    r"(?<![\w-])(?:should|ought to|make sure|be sure to|remember to|don't forget|"
    r"(?:we |I )?recommend(?:ed|s)?|(?:is|it's) (?:a good idea|worth|wise|best) to|"
    r"it is (?:a good idea|worth|wise|best|important|crucial|essential|vital) to|"
    r"(?:you|one|we) (?:must|need to|needs to|have to|has to|can start|might want)|"
    r"(?:pro |quick )?tip\s*:|try to|aim to|focus on|start (?:with|by)|begin (?:with|by))"
    r"(?![\w-])",
    re.I,
)
# A clause that opens a sentence (or follows "If …,", "To …,", a colon or a semicolon)
# with an imperative verb; a word after the verb that shows it is a noun ("Use cases
# include", "Test sets are") undoes it.
_OPENERS = frozenset(
    ("if", "when", "to", "before", "after", "once", "while", "whether", "as", "unless")
    + ("until", "for", "in", "instead")
)
_NOT_AFTER_VERB = frozenset(("cases", "case", "sets", "is", "are", "was", "were", "has", "of"))
_HEADING_VERB = re.compile(r"^(?:[A-Z][\w/&-]*\s+){1,6}?([A-Z][a-z]+)\s+([a-z][\w-]*)")


def is_actionable(text: str) -> bool:
    """True if some clause of ``text`` opens with an imperative verb."""
    for clause in _CLAUSE_SPLIT.split(text):
        words = _LEAD.sub("", clause).split()
        if words and words[0].lower().strip("'\"") in IMPERATIVE_VERBS:
            return True
    return False


def _verb_opens(words: list[str]) -> bool:
    if not words or words[0].lower().strip("'\"") not in IMPERATIVE_VERBS:
        return False
    nxt = words[1].lower().strip(",.;:") if len(words) > 1 else ""
    return nxt not in _NOT_AFTER_VERB


def is_imperative(sentence: str) -> bool:
    """The sentence tells the reader to do something: it opens with an imperative verb
    ("Deploy models…", a heading glued before it: "Advanced Maths Master concepts…"),
    or one follows an opening "If …," / "To …," or a colon or semicolon."""
    text = _LEAD.sub("", sentence).strip()
    if _verb_opens(text.split()):
        return True
    heading = _HEADING_VERB.match(text)
    if heading and _verb_opens([heading.group(1), heading.group(2)]):
        return True
    first, _, rest = text.partition(", ")
    if rest and first.split()[0].lower() in _OPENERS and _verb_opens(rest.split()):
        return True
    parts = re.split(r"([;:])\s+", text)  # a heading-like "Blogs: Read…", or "…; keep…"
    return any(
        _verb_opens(parts[i + 1].split())
        for i in range(1, len(parts) - 1, 2)
        if parts[i] == ";" or len(parts[i - 1].split()) <= 5
    )


# "Working on projects is crucial…": doing something named as what matters.
_GERUND_MATTERS = re.compile(
    r"(?:^|[,:]\s)\w+ing\b[^.,;]{0,80}\bis (?:crucial|essential|important|key|vital)\b", re.I
)
_LIST_INTRO = re.compile(r"(?::|:\s*\d+\.)$")  # "…trends you should watch:", "…: 1."


def is_heading(sentence: str) -> bool:
    """A title, not a sentence: no closing punctuation, most words capitalised."""
    if sentence.rstrip().endswith((".", "!", "?", ":", '"', "\u201d")):
        return False
    words = [w for w in sentence.split() if w[:1].isalpha()]
    return sum(w[0].isupper() for w in words) * 2 > len(words)


def is_advice(sentence: str) -> bool:
    """Advice, not a description: an imperative, or the words of a recommendation. A
    question, a heading or a sentence that only introduces a list is none."""
    text = sentence.strip()
    if text.endswith("?") or is_heading(text) or _LIST_INTRO.search(text):
        return False
    return is_imperative(text) or bool(ADVICE.search(text) or _GERUND_MATTERS.search(text))


# Who a sentence speaks to, for the draft's suggested ``levels`` (a guess to review).
LEVEL_CUES: dict[str, re.Pattern[str]] = {
    "aspiring": re.compile(
        r"\b(?:beginners?|first (?:\w+ )?job|entry[- ]level|internships?|degree|boot ?camps?|"
        r"get(?:ting)? started|the basics|fundamentals|no experience|"
        r"career (?:change|switch)|aspiring|job search|apply(?:ing)? for|your (?:cv|resume)|"
        r"new to)\b",
        re.I,
    ),
    "early": re.compile(
        r"\b(?:junior|first years?|early[- ]career|new (?:role|team|hire)|code reviews?|"
        r"on-call|in production|your team|graduates?)\b",
        re.I,
    ),
    "experienced": re.compile(
        r"\b(?:senior|staff engineer|principal|tech(?:nical)? lead|lead(?:ing)? (?:a |the )?team|"
        r"mentor(?:ing|s)?|architect(?:ure|s)?|at scale|stakeholders?|manag(?:e|ing) (?:a |the )?"
        r"team|hiring|roadmap for|years of experience)\b",
        re.I,
    ),
}


def guess_levels(sentence: str) -> list[str]:
    """The levels whose cue words the sentence has (none: it may serve everyone)."""
    return [level for level, cue in LEVEL_CUES.items() if cue.search(sentence)]


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
            short = len(form) <= 3 and form.isalpha()  # "k8s" is no ordinary word
            if short:  # "R", "ML", "CV": only as written in upper case (or the name)
                body = "|".join({re.escape(form.upper()), re.escape(s.name)})
            flags = 0 if short else re.I
            mine = r"(?<!your )(?<!my )(?<!their )(?<!our )" if short else ""
            pattern = re.compile(rf"(?<![\w+#-]){mine}(?:{body})(?![\w+#-])", flags)
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
        draft: dict[str, object] = {
            "id": f"draft-{start + len(drafts)}",
            "text": text,
            "skills": tags,
        }
        levels = guess_levels(sentence)
        if levels:
            draft["levels"] = levels
        draft["source"] = {"doc": name, "quote": sentence}
        drafts.append(draft)
    log.info("%s: %d draft tip(s)", name, len(drafts))
    return drafts


class ExtractError(Exception):
    """A document cannot be read; the message names it and says why, in one line."""


DRAFTS_HEADER = (
    "# Draft tips: review every one before copying it into your bank's tips.yaml.\n"
    "# For each: rewrite `text` in your own words (drop the [review] mark), give it a\n"
    "# new id (t + 3 digits), keep or fix `skills` and the guessed `levels` (delete\n"
    "# `levels` if it serves everyone), keep `source.quote` verbatim, and delete the\n"
    "# drafts that are not worth a tip. The document must be in the bank's seeds/\n"
    "# folder (as .txt) so `careerbot tips check` can verify the quotes.\n"
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

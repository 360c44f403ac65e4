"""Turn a scraped career document into its article body, title and source URL.

Scraped pages arrive in one of two shapes:

* with a header: ``=== SCRAPED CONTENT FROM: <title> ===``, a ``URL: ...`` line and a
  ``CONTENT:`` section fenced by dashed lines; the body is often a single line in which
  the site's menus, the article and the footer run together;
* plain text: the title is derived from the first line.

The cleaner keeps the article and drops what surrounds it:

1. everything up to the last heading-like repeat of the title near the top (page title,
   menus and breadcrumbs come before the article's own heading);
2. known spam phrases (gambling links such as "Slot Gacor") anywhere;
3. trailing sentences that are footer material: long runs of capitalised menu words,
   copyright lines, newsletter, cookie and sign-up prompts, and a cut-off last heading.

Quotes are matched with :func:`normalize_for_match`: whitespace runs collapse to one
space and curly quotes/apostrophes fold to their ASCII forms (the seeds mix both).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_HEADER = re.compile(r"^=== SCRAPED CONTENT FROM: (?P<title>.*?) ===\s*$", re.M)
_URL = re.compile(r"^URL:\s*(?P<url>\S+)\s*$", re.M)
_CONTENT = re.compile(r"^CONTENT:\s*$", re.M)
_RULE = re.compile(r"^-{10,}\s*$", re.M)
_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019&-]*|\d+")

SPAM = re.compile(
    r"\b(?:slot\s+gacor|slot\s+online|situs\s+slot|judi\s+online|togel|casino\s+online)\b",
    re.I,
)
BOILERPLATE = re.compile(
    r"©|\ball rights reserved\b|\bnewsletter\b|\bsubscribe\b|\bcookies?\b|"
    r"\bprivacy policy\b|\bterms of (?:service|use)\b|\bplease fill out\b|\bsign up\b",
    re.I,
)
_SMALL_WORDS = frozenset({"and", "of", "the", "for", "in", "to", "a", "on", "&", "with"})
NAV_RUN_WORDS = 8
"""A sentence with at least this many words, nearly all capitalised, is a menu."""
MAX_TITLE = 120


@dataclass(frozen=True, slots=True)
class CleanDoc:
    name: str
    title: str
    url: str | None
    text: str


def normalize_ws(s: str) -> str:
    """Collapse every whitespace run to one space and strip the ends."""
    return _WS.sub(" ", s).strip()


def normalize_for_match(s: str) -> str:
    """The form quotes and documents are compared in: whitespace and quotes folded."""
    return normalize_ws(s.translate(_QUOTES))


def _is_nav(sentence: str) -> bool:
    words = _WORD.findall(sentence)
    if len(words) < NAV_RUN_WORDS:
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    capital = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capital >= 0.85 * len(content)


def _is_footer(sentence: str) -> bool:
    return bool(BOILERPLATE.search(sentence)) or _is_nav(sentence)


def _full_title(title: str, body: str) -> str:
    """Headers cut long titles with '...'; recover the rest from the page title."""
    stem = title.rstrip(".\u2026 ").strip()
    if stem == title.strip():
        return title.strip()
    m = re.search(re.escape(stem) + r"[^\n]*?(?= [-|\u2013] |$)", body)
    return m.group(0).strip() if m else stem


def _short_title(line: str) -> str:
    line = normalize_ws(line)
    if len(line) <= MAX_TITLE:
        return line
    first = _SENTENCE_END.split(line, maxsplit=1)[0].rstrip(".")
    if len(first) <= MAX_TITLE:
        return first
    return first[:MAX_TITLE].rsplit(" ", 1)[0] + "\u2026"


def _drop_leading_chrome(body: str, title: str) -> str:
    """Cut up to the last repeat of the title in the first half of the body.

    Menus, breadcrumbs and the page title come before the article's own heading, so
    the article starts right after the last time the title appears near the top.
    """
    if not title:
        return body
    half = max(len(body) // 2, len(title))
    spans = [m for m in re.finditer(re.escape(title), body, re.I) if m.start() < half]
    if not spans:
        return body
    return body[spans[-1].end() :].lstrip(" -|\u2013\n")


def _is_cut_heading(sentence: str) -> bool:
    """A short unpunctuated fragment at the very end: a heading the scrape cut off."""
    return not sentence.endswith((".", "!", "?", ":", ")")) and len(sentence) < 80


def _drop_trailing_chrome(body: str) -> str:
    """Drop footer sentences (and then whole footer lines) from the end."""
    lines = [line for line in body.splitlines() if line.strip()]
    first_pass = True  # only the document's very last fragment can be a cut-off heading
    while lines:
        sentences = [s.strip() for s in _SENTENCE_END.split(lines[-1].strip())]
        while sentences and (
            _is_footer(sentences[-1]) or (first_pass and _is_cut_heading(sentences[-1]))
        ):
            sentences.pop()
            first_pass = False
        first_pass = False
        if sentences:
            lines[-1] = " ".join(sentences)
            break
        lines.pop()
    return "\n".join(lines)


def clean_document(raw: str, name: str) -> CleanDoc:
    """Return the article body of a scraped (or plain) document, with title and URL."""
    header = _HEADER.search(raw)
    url_m = _URL.search(raw)
    url = url_m.group("url") if url_m else None
    if header:
        content_m = _CONTENT.search(raw)
        body = raw[content_m.end() :] if content_m else raw[header.end() :]
        rules = list(_RULE.finditer(body))
        if len(rules) >= 2:
            body = body[rules[0].end() : rules[-1].start()]
        elif rules:
            body = body[rules[0].end() :]
        body = body.strip()
        title = _full_title(header.group("title"), body)
        body = _drop_leading_chrome(body, title)
    else:
        body = raw.strip()
        first = body.splitlines()[0] if body else name
        title = _short_title(first)
    body = SPAM.sub(" ", body)
    body = _drop_trailing_chrome(body)
    body = "\n".join(normalize_ws(line) for line in body.splitlines() if line.strip())
    log.debug("cleaned %s: %d -> %d chars", name, len(raw), len(body))
    return CleanDoc(name=name, title=title, url=url, text=body)


def find_seeds_dir() -> Path:
    """The seed documents: package data (a link to the checkout's ``seeds/``)."""
    from bot import paths

    return paths.seeds_dir()


def load_seed_docs(seeds_dir: Path | None = None) -> dict[str, CleanDoc]:
    """Every ``*.txt`` in ``seeds_dir`` (default :func:`find_seeds_dir`), cleaned."""
    directory = seeds_dir if seeds_dir is not None else find_seeds_dir()
    docs: dict[str, CleanDoc] = {}
    for path in sorted(directory.glob("*.txt")):
        docs[path.name] = clean_document(path.read_text(encoding="utf-8"), path.name)
    return docs

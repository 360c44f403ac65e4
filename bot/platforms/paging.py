"""Long replies cut to a platform's limits: one algorithm, each renderer passes its limits.

Two levels, both platform-neutral (this module imports no platform library):

- text: :func:`split` cuts a long text into chunks of at most ``limit`` characters at a
  paragraph, else a line, else a word boundary — any of them only if it keeps at least
  half the limit in the chunk (nothing is lost: the rest follows), else a hard cut —
  and never inside a markup token (``atoms``: an escaped ``&amp;``, a mention ``<@U1>``,
  a link ``<url|label>``); only a token longer than the limit itself is cut. Chunks are
  slices of the text in order, separated by whitespace only: joining them loses no
  text. :func:`trim` keeps the head of a text and ends it with '…', by the same rules,
  except that the boundary must keep four fifths of the limit (what a trim cuts is lost).
- pages: :func:`paginate` fills messages in order with units (blocks, fields) within a
  message's unit and character limits and the number of messages a reply may take; the
  last page also holds a ``tail`` (buttons) and, when items were left out, a ``note``.

The limits themselves live in each platform's renderer (Slack: section 3000, 50 blocks;
Discord: description 4096, fields 1024, 10 embeds, 6000 characters per message).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

ELLIPSIS = "…"
SEPARATORS = ("\n\n", "\n", " ")  # paragraph, line, word: the first that fits wins
TRIM_SEPARATORS = ("\n", " ")  # trim: the last of either


@dataclass(frozen=True, slots=True)
class Limits:
    """One platform's limits for a reply.

    ``text``: characters per text unit (a section, a description); ``units``: units per
    message (blocks, embeds); ``chars``: characters per message (None: no such limit);
    ``pages``: messages per reply; ``atoms``: the tokens a cut never splits.
    """

    text: int
    units: int
    pages: int
    chars: int | None = None
    atoms: re.Pattern[str] | None = None

    def split(self, text: str, limit: int | None = None) -> list[str]:
        return split(text, self.text if limit is None else limit, self.atoms)

    def trim(self, text: str, limit: int | None = None) -> str:
        return trim(text, self.text if limit is None else limit, self.atoms)


class _Atoms:
    """The spans of the markup tokens of one text, to keep cuts out of them."""

    def __init__(self, text: str, atoms: re.Pattern[str] | None) -> None:
        spans = [m.span() for m in atoms.finditer(text)] if atoms is not None else []
        self.spans = [s for s in spans if s[1] - s[0] > 1]
        self.starts = [s for s, _ in self.spans]

    def around(self, cut: int) -> tuple[int, int] | None:
        """The token that ``cut`` falls strictly inside, if any."""
        i = bisect_right(self.starts, cut - 1) - 1
        if i >= 0 and self.spans[i][0] < cut < self.spans[i][1]:
            return self.spans[i]
        return None


def _soft_cut(
    text: str, start: int, end: int, least: int, atoms: _Atoms, seps: Sequence[str]
) -> int | None:
    """The last separator in ``text[start:end]`` at or after ``least`` and outside every
    token: paragraphs first, then lines, then words. None when there is none."""
    for sep in seps:
        pos = text.rfind(sep, start, end)
        while pos >= least:
            if atoms.around(pos) is None:
                return pos
            pos = text.rfind(sep, start, pos)
    return None


def _hard_cut(cut: int, start: int, atoms: _Atoms) -> int:
    """``cut`` moved back to the start of a token it would split, unless the token
    begins at ``start`` (it is longer than the room: it has to be cut)."""
    token = atoms.around(cut)
    if token is not None and token[0] > start:
        return token[0]
    return cut


def split(text: str, limit: int, atoms: re.Pattern[str] | None = None) -> list[str]:
    """``text`` in chunks of at most ``limit`` characters (none for ''); a text that fits
    is returned as it is (strip it first if its ends do not matter)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return [text] if text else []
    found = _Atoms(text, atoms)
    start, end = 0, len(text)
    chunks: list[str] = []
    while end - start > limit:
        least = start + max(1, limit // 2)
        # a separator right after the window still ends a chunk of ``limit`` characters
        cut = _soft_cut(text, start, start + limit + 1, least, found, SEPARATORS)
        if cut is None:
            cut = _hard_cut(start + limit, start, found)
        head = text[start:cut].rstrip()
        if head:
            chunks.append(head)
        start = _skip(text, cut)
    if start < end:
        chunks.append(text[start:end])
    return chunks


def trim(text: str, limit: int, atoms: re.Pattern[str] | None = None) -> str:
    """``text`` cut to ``limit`` characters at a line or word boundary (if one keeps four
    fifths of it), never inside a token, ending with '…'; unchanged when it fits."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ELLIPSIS))
    found = _Atoms(text, atoms)
    least = max(1, limit * 4 // 5)  # what a trim cuts is lost: at most a fifth for a word
    soft = [_soft_cut(text, 0, room + 1, least, found, (sep,)) for sep in TRIM_SEPARATORS]
    cuts = [c for c in soft if c is not None]
    cut = max(cuts) if cuts else _hard_cut(room, 0, found)
    return text[:cut].rstrip() + ELLIPSIS


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


# pages ----------------------------------------------------------------------------------


class Cost(NamedTuple):
    """What a unit, a marker or a tail takes of a message: units and characters."""

    units: int = 0
    chars: int = 0

    def __add__(self, other: Cost) -> Cost:  # type: ignore[override]
        return Cost(self.units + other.units, self.chars + other.chars)

    def __sub__(self, other: Cost) -> Cost:
        return Cost(self.units - other.units, self.chars - other.chars)


@dataclass(slots=True)
class Paged(Generic[T]):
    """Items laid out on pages, and how many were left out (from the end)."""

    pages: list[list[T]] = field(default_factory=list)
    dropped: int = 0


# (page number from 0, the page's items so far, the item) -> what the item adds
CostOf = Callable[[int, Sequence[T], T], Cost]


NOTHING = Cost()
UNIT = Cost(units=1)


def one_unit(page: int, items: Sequence[object], item: object) -> Cost:
    """The default cost: every item is one unit (a block) and no counted characters."""
    return UNIT


def paginate(
    items: Sequence[T],
    limits: Limits,
    *,
    cost: CostOf[T] = one_unit,
    first: Cost = NOTHING,
    later: Cost = NOTHING,
    tail: Cost = NOTHING,
    note: Cost = NOTHING,
) -> Paged[T]:
    """Fill pages in order within ``limits``: page 1 starts with ``first`` taken (a
    title), later pages with ``later`` (a continuation marker). The last page must also
    hold ``tail`` (buttons), and ``note`` when anything is left out: the tail goes on a
    page of its own if a page is left, else the last items make room for it."""
    max_units = limits.units
    max_chars = limits.chars if limits.chars is not None else sys.maxsize

    def fits(used: Cost) -> bool:
        return used.units <= max_units and used.chars <= max_chars

    pages: list[list[T]] = [[]]
    costs: list[Cost] = []  # of the items on the last page
    units, chars = first.units, first.chars
    for item in items:
        c = cost(len(pages) - 1, pages[-1], item)
        if units + c.units > max_units or chars + c.chars > max_chars:
            if len(pages) == limits.pages:
                break
            c = cost(len(pages), [], item)
            if not fits(later + c):
                break  # an item bigger than a page: the renderer's bug; never sent over
            pages.append([])
            costs = []
            units, chars = later.units, later.chars
        pages[-1].append(item)
        costs.append(c)
        units += c.units
        chars += c.chars
    used = Cost(units, chars)
    out = Paged(pages, len(items) - sum(map(len, pages)))
    extra = tail + (note if out.dropped else NOTHING)
    if fits(used + extra):
        return out
    if not out.dropped and len(pages) < limits.pages and fits(later + tail):
        pages.append([])  # the tail on a page of its own
        return out
    while pages[-1] and not fits(used + tail + note):
        pages[-1].pop()
        used -= costs.pop()
        out.dropped += 1
    return out

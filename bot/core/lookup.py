"""Tolerant look-up of skills and roles: case, spacing, aliases and typos.

A query is normalised (lower case, letters and digits only: "Py Torch" -> "pytorch")
and compared with every name, alias and id of every entry. An exact key wins; then a
key that contains the query as a whole word or prefix; then the closest key by edit
similarity, if it is close enough to be trusted. Below that threshold nothing is
returned as a match — only up to three suggestions — so a poor query never shows a
wrong card. A close spelling of a longer query is trusted only when every word typed
resembles a word of that key ("data engineer" is not "ML engineer").

Before the fuzzy step: a leading "skill"/"role" is dropped, a plural tried singular
("CNNs"), and qualifiers stripped ("bias in ML" -> bias; "NLP scientist" -> NLP).
Suggestions for what matches nothing are ranked by meaning first: entries sharing a
word with the query (rarer words weigh more), a category named, skills related to
those; then by spelling.

Autocomplete (:meth:`Index.complete`) ranks by where the typed text begins, from the
first character: the exact name or alias, then names that start with it ("py" ->
Python, PyTorch), then names with a later word that starts with it ("learn" -> Deep
learning; "lang mod" -> Large language models), then aliases or ids that do, then the
fuzzy rest.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, cast

from bot.bank.model import Bank, Role, Skill


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


T = TypeVar("T", bound=_Named)

MATCH_CUTOFF = 0.8  # similarity needed to answer with a card
SUGGEST_CUTOFF = 0.3  # similarity needed to be offered as a suggestion
_NON_ALNUM = re.compile(r"[^0-9a-z+#]+")


def norm(text: str) -> str:
    """'Py-Torch ' -> 'pytorch'; keeps + and # (C++, C#)."""
    return _NON_ALNUM.sub("", text.lower())


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z+#]+", text.lower()) if w]


_FILLER = frozenset({"and", "of", "the", "for", "in"})
# Words that qualify rather than name: stripped to find the key inside a query.
_QUALIFIERS = frozenset(
    [
        "for",
        "in",
        "with",
        "on",
        "of",
        "the",
        "a",
        "an",
        "to",
        "using",
        "ml",
        "ai",
        "basics",
        "basic",
        "skills",
        "skill",
        "intro",
        "introduction",
        "beginner",
        "advanced",
        "prep",
        "preparation",
    ]
)
_ROLE_QUALIFIERS = frozenset(
    [
        "engineer",
        "engineers",
        "specialist",
        "scientist",
        "analyst",
        "developer",
        "lead",
        "role",
        "job",
        "jobs",
        "career",
        "position",
    ]
)
_COMMAND_WORDS = ("skill", "role", "roles", "skills")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _similar_word(a: str, b: str) -> bool:
    """Two words that look alike: equal, one starts the other, or a close spelling."""
    if a == b or (len(a) >= 3 and b.startswith(a)) or (len(b) >= 3 and a.startswith(b)):
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.75


def _begins_at(words: list[str], q: str, qwords: list[str]) -> list[int]:
    """Word positions where the typed text begins: 'py' / 'pyt' / 'py to' in
    ['py', 'torch'] at 0; 'lang mod' in ['large', 'language', 'models'] at 1."""
    return [
        i
        for i in range(len(words))
        if "".join(words[i:]).startswith(q)
        or (
            len(qwords) > 1
            and len(words) - i >= len(qwords)
            and all(w.startswith(p) for w, p in zip(words[i:], qwords, strict=False))
        )
    ]


def _word_set(text: str) -> frozenset[str]:
    """Order-free key: 'statistics and probability' == 'Probability and statistics'."""
    return frozenset(w for w in _words(text) if w not in _FILLER)


@dataclass(frozen=True, slots=True)
class LookupResult(Generic[T]):
    match: T | None
    suggestions: tuple[T, ...] = ()


PROSE_OWNERS_MAX = 3  # a prose word on more cards than this says little


class Index(Generic[T]):
    """Keys of every entry, built once per bank."""

    def __init__(self, entries: Iterable[T], *, roles: bool = False) -> None:
        self.entries: list[T] = list(entries)
        self.qualifiers = _QUALIFIERS | _ROLE_QUALIFIERS if roles else _QUALIFIERS
        self.keys: list[tuple[str, T]] = []
        self.key_words: dict[str, set[str]] = {}  # normalised key -> every word of its forms
        for e in self.entries:
            for text in {e.id, e.name, *e.aliases}:
                k = norm(text)
                if k:
                    self.key_words.setdefault(k, set()).update(_words(text))
            for k in {norm(e.id), norm(e.name), *(norm(a) for a in e.aliases)}:
                if k:
                    self.keys.append((k, e))
        # Meaning: which entries each word of a name, alias or id (or category) belongs to.
        self.by_id: dict[str, T] = {e.id: e for e in self.entries}
        self.word_owners: dict[str, set[str]] = {}
        for e in self.entries:
            texts = [e.id, e.name, *e.aliases, str(getattr(e, "category", "") or "")]
            for w in {_singular(w) for t in texts for w in _words(t)} - _FILLER:
                self.word_owners.setdefault(w, set()).add(e.id)
        # Weaker meaning: rare words of a card's own prose (what, why, how to learn; a
        # role's summary) — "xgboost" is named only on the scikit-learn card.
        self.prose_owners: dict[str, set[str]] = {}
        for e in self.entries:
            prose = " ".join(
                [str(getattr(e, f, "") or "") for f in ("what", "why", "summary")]
                + list(getattr(e, "learn", ()))
            )
            for w in {_singular(w) for w in _words(prose)} - _FILLER:
                if len(w) >= 4:
                    self.prose_owners.setdefault(w, set()).add(e.id)
        self.exact: dict[str, T] = {}
        for k, e in self.keys:
            self.exact.setdefault(k, e)
        # For autocomplete: the words of each name, and of each alias and id.
        self.name_words: dict[str, list[str]] = {e.id: _words(e.name) for e in self.entries}
        self.other_words: dict[str, list[list[str]]] = {
            e.id: [_words(a) for a in (e.id, *e.aliases)] for e in self.entries
        }
        self.by_words: dict[frozenset[str], T] = {}
        for e in self.entries:
            for text in (e.name, *e.aliases):
                ws = _word_set(text)
                if len(ws) >= 2:
                    self.by_words.setdefault(ws, e)

    def _direct(self, query: str) -> T | None:
        """An entry the query names outright: a key, its words in any order, a plural,
        or a key with qualifiers around it."""
        q = norm(query)
        if q in self.exact:
            return self.exact[q]
        reordered = self.by_words.get(_word_set(query))
        if reordered is not None:
            return reordered
        if len(q) >= 4 and _singular(q) in self.exact:
            return self.exact[_singular(q)]
        words = _words(query)
        core = [w for w in words if w not in self.qualifiers]
        if "machine" in core and "learning" in core and len(core) > 2:
            core = [w for w in core if w not in ("machine", "learning")]
        if core and core != words:
            for candidate in (norm("".join(core)), _singular(norm("".join(core)))):
                if len(candidate) >= 2 and candidate in self.exact:
                    return self.exact[candidate]
            found = self.by_words.get(frozenset(core) - _FILLER)
            if found is not None:
                return found
        return None

    def find(self, query: str, limit: int = 3) -> LookupResult[T]:
        words = _words(query)
        if len(words) > 1 and words[0] in _COMMAND_WORDS:
            query = " ".join(words[1:])
        q = norm(query)
        if not q:
            return LookupResult(None, ())
        direct = self._direct(query)
        if direct is not None:
            return LookupResult(direct, ())
        ranked = self.rank(query)
        if ranked and ranked[0][0] >= MATCH_CUTOFF:
            best = ranked[0][1]
            # Two different entries equally close: ambiguous, ask instead of guessing.
            rivals = [e for s, e in ranked[1:] if s >= ranked[0][0] - 0.02 and e is not best]
            if not rivals:
                return LookupResult(best, ())
        return LookupResult(None, self.suggest(query, ranked, limit))

    def meaning(self, query: str) -> dict[str, float]:
        """Entry id -> how much the query's words mean it: a shared word of a name,
        alias, id or category (1 / how many entries have it), or else a rare word of an
        entry's own prose (half that), half that again for the skills related to them."""
        scores: dict[str, float] = {}
        for w in {_singular(w) for w in _words(query)} - _FILLER - self.qualifiers:
            owners = self.word_owners.get(w)
            prose = self.prose_owners.get(w, set()) if owners is None else set()
            if prose and len(prose) <= PROSE_OWNERS_MAX:
                # no name, alias or category has it, but a card's own prose does
                for eid in prose:
                    scores[eid] = scores.get(eid, 0.0) + 0.5 / len(prose)
                continue
            if owners is None and len(w) >= 5:
                owners = set().union(
                    *(ids for k, ids in self.word_owners.items() if k[:5] == w[:5])
                )
            for eid in owners or ():
                scores[eid] = scores.get(eid, 0.0) + 1.0 / len(owners or ())
        for eid, score in list(scores.items()):
            for rid in getattr(self.by_id[eid], "related", ()):
                if rid in self.by_id:
                    scores[rid] = scores.get(rid, 0.0) + score / 2
        return scores

    def suggest(self, query: str, ranked: list[tuple[float, T]], limit: int) -> tuple[T, ...]:
        """What the query means first, then what it is spelt like."""
        meant = self.meaning(query)
        letters = {e.id: s for s, e in ranked}
        pool = [e for s, e in ranked if e.id in meant or s >= SUGGEST_CUTOFF]
        pool.sort(key=lambda e: (-meant.get(e.id, 0.0), -letters.get(e.id, 0.0), e.name))
        return tuple(pool[:limit])

    def rank(self, query: str) -> list[tuple[float, T]]:
        """Entries by descending similarity to ``query`` (one score per entry)."""
        q = norm(query)
        qwords = _words(query)
        best: dict[str, tuple[float, T]] = {}
        content = [w for w in qwords if w not in _FILLER and w not in self.qualifiers]
        for key, entry in self.keys:
            score = difflib.SequenceMatcher(None, q, key, autojunk=False).ratio()
            if len(qwords) > 1 and score >= MATCH_CUTOFF and not key.startswith(q):
                # Close letters are not enough for several words: each must resemble
                # a word of the key, or the query only shares its longest word.
                kw = self.key_words.get(key, set())
                if not all(any(_similar_word(w, k) for k in kw) for w in content):
                    score = MATCH_CUTOFF - 0.05
            if len(q) >= 3 and key.startswith(q):
                score = max(score, 0.85 + 0.1 * len(q) / len(key))
            if qwords and any(w == key for w in qwords) and len(key) >= 3:
                score = max(score, 0.7)
            prev = best.get(entry.id)
            if prev is None or score > prev[0]:
                best[entry.id] = (score, entry)
        return sorted(best.values(), key=lambda se: (-se[0], se[1].name))

    def complete(self, prefix: str, limit: int = 25) -> list[T]:
        """Autocomplete: entries for a partial query, best first (empty query: all by name).

        Tiers, from the first character typed: 0 the exact name or alias (what
        :meth:`find` would answer), 1 names that start with the text (alphabetical),
        2 names with a later word that starts with it, 3 aliases or ids that start with
        it or have a word that does, 4 the fuzzy rest; tiers 2-4 by similarity.
        """
        q = norm(prefix)
        if not q:
            return sorted(self.entries, key=lambda e: e.name.lower())[:limit]
        qwords = _words(prefix)
        exact = self.exact.get(q) or self.by_words.get(_word_set(prefix))
        ranked: list[tuple[int, float, str, T]] = []
        for score, e in self.rank(prefix):
            in_name = _begins_at(self.name_words[e.id], q, qwords)
            if e is exact:
                tier = 0
            elif in_name and in_name[0] == 0:
                tier, score = 1, 0.0  # alphabetical: a list you can scan
            elif in_name:
                tier = 2
            elif any(_begins_at(ws, q, qwords) for ws in self.other_words[e.id]):
                tier = 3
            elif score >= 0.4:
                tier = 4
            else:
                continue
            ranked.append((tier, -score, e.name.lower(), e))
        ranked.sort(key=lambda r: r[:3])
        return [e for *_, e in ranked[:limit]]


def _indexes(bank: Bank) -> tuple[Index[Skill], Index[Role]]:
    cached = bank.cache.get("lookup")
    if cached is None:
        cached = bank.cache["lookup"] = (
            Index(bank.skills.values()),
            Index(bank.roles.values(), roles=True),
        )
    return cast("tuple[Index[Skill], Index[Role]]", cached)


def find_skill(bank: Bank, query: str) -> LookupResult[Skill]:
    return _indexes(bank)[0].find(query)


def find_role(bank: Bank, query: str) -> LookupResult[Role]:
    return _indexes(bank)[1].find(query)


def complete_skills(bank: Bank, prefix: str, limit: int = 25) -> list[Skill]:
    return _indexes(bank)[0].complete(prefix, limit)


def complete_roles(bank: Bank, prefix: str, limit: int = 25) -> list[Role]:
    return _indexes(bank)[1].complete(prefix, limit)

"""Frozen records of the tip bank. Built by :mod:`bot.bank.loader`, read by the core."""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = (
    "language",
    "library",
    "framework",
    "platform",
    "tool",
    "math",
    "ml-area",
    "practice",
    "soft-skill",
)

# Who an item serves. An item with no ``levels`` in the bank serves everyone.
LEVELS = ("aspiring", "early", "experienced")


def serves(levels: tuple[str, ...], level: str | None) -> bool:
    """Whether an item tagged ``levels`` is for a reader at ``level`` (None/"all": any)."""
    return level is None or level == "all" or not levels or level in levels


@dataclass(frozen=True, slots=True)
class Source:
    doc: str
    quote: str


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...]
    what: str
    why: str
    learn: tuple[str, ...]
    related: tuple[str, ...]
    roles: tuple[str, ...]
    source: Source
    levels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tip:
    id: str
    text: str
    skills: tuple[str, ...]
    source: Source
    levels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    skills: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Industry:
    id: str
    name: str
    hires_for: str
    source: Source


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    done_when: str
    skills: tuple[str, ...]
    source: Source
    levels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocInfo:
    """Title and URL of a seed document, for source attribution."""

    name: str
    title: str
    url: str | None


@dataclass(frozen=True)
class Bank:
    skills: dict[str, Skill]
    tips: dict[str, Tip]
    roles: dict[str, Role]
    industries: dict[str, Industry]
    steps: tuple[Step, ...]
    docs: dict[str, DocInfo] = field(default_factory=dict)
    # retired tip id -> the tip it was merged into (``merged:`` in tips.yaml)
    merged: dict[str, str] = field(default_factory=dict)
    # derived look-up indexes, built on first use (see bot.core.lookup)
    cache: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, tip_id: str) -> str:
        """The live id for a stored tip id: a merged tip's id leads to the kept one."""
        return self.merged.get(tip_id, tip_id)

    def merged_into(self, tip_id: str) -> tuple[str, ...]:
        """The retired ids that now lead to ``tip_id``."""
        return tuple(old for old, kept in self.merged.items() if kept == tip_id)

    def tips_for(self, skill_id: str) -> list[Tip]:
        return [t for t in self.tips.values() if skill_id in t.skills]

    def doc_title(self, name: str) -> str:
        info = self.docs.get(name)
        return info.title if info else name

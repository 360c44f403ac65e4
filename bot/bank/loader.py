"""Load and validate the tip bank (``tips/*.yaml``) with ``file:line`` errors.

Every problem found is collected (not just the first) and raised together as
:class:`BankError`, so a self-hoster fixes a broken bank in one pass.

``documents.yaml`` gives each seed document its short display title (and a URL when
the seed has none): with it, every document the bank quotes needs an entry, and an
entry must name a document in the seeds folder. A bank without the file (an older
bank of your own) keeps the titles and URLs from the seeds' own headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot import paths
from bot.bank.clean import load_seed_docs
from bot.bank.model import (
    CATEGORIES,
    LEVELS,
    Bank,
    DocInfo,
    Industry,
    Role,
    Skill,
    Source,
    Step,
    Tip,
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FILES = ("skills.yaml", "tips.yaml", "roles.yaml", "roadmap.yaml")
DOCUMENTS = "documents.yaml"  # optional: short titles of the seed documents
DOC_TITLE_MAX = 60
URL_RE = re.compile(r"^https?://\S+$")
TIP_MAX = 280
QUOTE_MIN = 40


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class BankError(Exception):
    """The bank is invalid; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"the tip bank has {len(problems)} problem(s):\n{shown}{more}")


class _Map(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


# libyaml's parser when available: ~8x faster than the pure-Python one, and the bank
# is parsed on every start (``careerbot say`` included).
if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:
    _Base = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _Loader(_Base):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        m[str(key)] = loader.construct_object(value_node, deep=True)
        m.key_lines[str(key)] = key_node.start_mark.line + 1
    return m


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


class _Reader:
    """Checks fields of one record, collecting problems against its file and lines."""

    def __init__(
        self,
        file: str,
        problems: list[Problem],
        docs: Container[str] | None,
        quoted: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        self.file = file
        self.problems = problems
        self.docs = docs
        self.quoted = quoted if quoted is not None else {}  # doc -> where it is first quoted

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def line_of(self, rec: _Map, key: str) -> int:
        return rec.key_lines.get(key, rec.line)

    def text(self, rec: _Map, key: str, max_len: int, *, min_len: int = 1) -> str:
        value = rec.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(self.line_of(rec, key), f"'{key}' must be a non-empty string")
            return ""
        value = " ".join(value.split())
        if len(value) > max_len:
            self.problem(
                self.line_of(rec, key), f"'{key}' is {len(value)} characters (max {max_len})"
            )
        elif len(value) < min_len:
            self.problem(
                self.line_of(rec, key), f"'{key}' is {len(value)} characters (min {min_len})"
            )
        return value

    def texts(self, rec: _Map, key: str, max_len: int, *, min_items: int = 0) -> tuple[str, ...]:
        value = rec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(self.line_of(rec, key), f"'{key}' must be a list of non-empty strings")
            return ()
        if len(value) < min_items:
            self.problem(self.line_of(rec, key), f"'{key}' needs at least {min_items} item(s)")
        for v in value:
            if len(v) > max_len:
                self.problem(
                    self.line_of(rec, key), f"an item of '{key}' is over {max_len} characters"
                )
        return tuple(" ".join(v.split()) for v in value)

    def levels(self, rec: _Map) -> tuple[str, ...]:
        """The optional ``levels`` list: who the item serves (absent: everyone)."""
        if "levels" not in rec:
            return ()
        values = self.texts(rec, "levels", 20, min_items=1)
        for v in values:
            if v not in LEVELS:
                self.problem(
                    self.line_of(rec, "levels"), f"unknown level '{v}' ({', '.join(LEVELS)})"
                )
        return values

    def ident(self, rec: _Map, seen: set[str]) -> str:
        value = rec.get("id")
        if not isinstance(value, str) or not ID_RE.match(value):
            self.problem(self.line_of(rec, "id"), f"'id' must match {ID_RE.pattern}, got {value!r}")
            return ""
        if value in seen:
            self.problem(self.line_of(rec, "id"), f"duplicate id '{value}'")
        seen.add(value)
        return value

    def source(self, rec: _Map) -> Source:
        value = rec.get("source")
        if not isinstance(value, _Map):
            self.problem(self.line_of(rec, "source"), "'source' must be a mapping {doc, quote}")
            return Source("", "")
        doc = self.text(value, "doc", 200)
        if doc and self.docs is not None and doc not in self.docs:
            self.problem(self.line_of(value, "doc"), f"unknown source document '{doc}'")
        if doc:
            self.quoted.setdefault(doc, (self.file, self.line_of(value, "doc")))
        quote = self.text(value, "quote", 1000, min_len=QUOTE_MIN)
        return Source(doc, quote)


def _parse(path: Path, problems: list[Problem]) -> object:
    """The YAML document of ``path`` (None, with the problem reported, when unreadable)."""
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, 0, "file is missing"))
        return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        problems.append(Problem(name, line, f"invalid YAML: {exc.problem}"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, 0, f"cannot read: {exc}"))
    return None


def read_records(path: Path, key: str, problems: list[Problem], data: object = None) -> list[_Map]:
    """Items of the top-level ``key`` list, each a dict with ``.line`` and ``.key_lines``
    (``data``: the file's document when the caller has parsed it already)."""
    name = path.name
    if data is None:
        data = _parse(path, problems)
        if data is None:
            return []
    if not isinstance(data, _Map) or not isinstance(data.get(key), list):
        problems.append(Problem(name, 1, f"expected a top-level '{key}:' list"))
        return []
    out: list[_Map] = []
    for i, item in enumerate(data[key]):
        if isinstance(item, _Map):
            out.append(item)
        else:
            problems.append(
                Problem(name, data.key_lines.get(key, 1), f"{key}[{i}] must be a mapping")
            )
    return out


def _check_refs(
    r: _Reader, rec: _Map, key: str, values: Iterable[str], known: Callable[[str], bool], kind: str
) -> None:
    for v in values:
        if not known(v):
            r.problem(r.line_of(rec, key), f"unknown {kind} '{v}' in '{key}'")


def load_bank(tips_dir: Path | None = None, seeds_dir: Path | None = None) -> Bank:
    """Load ``tips_dir`` (default: the bundled bank); raise :class:`BankError` if invalid."""
    tips_dir = tips_dir or paths.tips_dir()
    problems: list[Problem] = []
    skills: dict[str, Skill] = {}
    tips: dict[str, Tip] = {}
    roles: dict[str, Role] = {}
    industries: dict[str, Industry] = {}
    steps: list[Step] = []
    pending: list[tuple[_Reader, _Map, str, tuple[str, ...], str]] = []
    docs = _doc_infos(seeds_dir or paths.seeds_for(tips_dir))
    known_docs = docs or None  # without the documents (a bare bank dir) names are not checked
    quoted: dict[str, tuple[str, int]] = {}  # every document a source names: where first

    r = _Reader("skills.yaml", problems, known_docs, quoted)
    seen: set[str] = set()
    for rec in read_records(tips_dir / "skills.yaml", "skills", problems):
        sid = r.ident(rec, seen)
        category = r.text(rec, "category", 40)
        if category and category not in CATEGORIES:
            r.problem(
                r.line_of(rec, "category"),
                f"unknown category '{category}' ({', '.join(CATEGORIES)})",
            )
        skill = Skill(
            id=sid,
            name=r.text(rec, "name", 60),
            category=category,
            aliases=r.texts(rec, "aliases", 60),
            what=r.text(rec, "what", 300),
            why=r.text(rec, "why", 400),
            learn=r.texts(rec, "learn", 200, min_items=1),
            related=r.texts(rec, "related", 64),
            roles=r.texts(rec, "roles", 64),
            source=r.source(rec),
            levels=r.levels(rec),
        )
        skills[sid] = skill
        pending.append((r, rec, "related", skill.related, "skill"))
        pending.append((r, rec, "roles", skill.roles, "role"))

    r = _Reader("tips.yaml", problems, known_docs, quoted)
    seen = set()
    tips_doc = _parse(tips_dir / "tips.yaml", problems)  # parsed once: tips, then merged
    for rec in _records(tips_dir / "tips.yaml", "tips", problems, tips_doc):
        tid = r.ident(rec, seen)
        tip = Tip(
            id=tid,
            text=r.text(rec, "text", TIP_MAX),
            skills=r.texts(rec, "skills", 64, min_items=1),
            source=r.source(rec),
            levels=r.levels(rec),
        )
        tips[tid] = tip
        pending.append((r, rec, "skills", tip.skills, "skill"))

    merged = _read_merged(tips_dir / "tips.yaml", tips_doc, tips, problems)

    r = _Reader("roles.yaml", problems, known_docs, quoted)
    seen = set()
    roles_doc = _parse(tips_dir / "roles.yaml", problems)  # parsed once: roles, industries
    for rec in _records(tips_dir / "roles.yaml", "roles", problems, roles_doc):
        rid = r.ident(rec, seen)
        role = Role(
            id=rid,
            name=r.text(rec, "name", 80),
            aliases=r.texts(rec, "aliases", 60),
            summary=r.text(rec, "summary", 400),
            skills=r.texts(rec, "skills", 64, min_items=1),
            source=r.source(rec),
        )
        roles[rid] = role
        pending.append((r, rec, "skills", role.skills, "skill"))
    seen = set()
    for rec in _records(tips_dir / "roles.yaml", "industries", problems, roles_doc):
        iid = r.ident(rec, seen)
        industries[iid] = Industry(
            id=iid,
            name=r.text(rec, "name", 80),
            hires_for=r.text(rec, "hires_for", 300),
            source=r.source(rec),
        )

    r = _Reader("roadmap.yaml", problems, known_docs, quoted)
    seen = set()
    for rec in read_records(tips_dir / "roadmap.yaml", "steps", problems):
        step = Step(
            id=r.ident(rec, seen),
            title=r.text(rec, "title", 100),
            done_when=r.text(rec, "done_when", 300),
            skills=r.texts(rec, "skills", 64),
            source=r.source(rec),
            levels=r.levels(rec),
        )
        steps.append(step)
        pending.append((r, rec, "skills", step.skills, "skill"))

    for reader, rec, key, values, kind in pending:
        table: dict[str, Any] = skills if kind == "skill" else roles
        _check_refs(reader, rec, key, values, table.__contains__, kind)

    docs = _titles(tips_dir / DOCUMENTS, docs, quoted, problems)
    if problems:
        raise BankError(problems)
    return Bank(skills, tips, roles, industries, tuple(steps), docs, merged)


def _records(path: Path, key: str, problems: list[Problem], data: object) -> list[_Map]:
    """:func:`read_records` of a document parsed already (None: unreadable, reported)."""
    return [] if data is None else read_records(path, key, problems, data)


def _read_merged(
    path: Path, data: object, tips: Container[str], problems: list[Problem]
) -> dict[str, str]:
    """The optional top-level ``merged:`` mapping of tips.yaml (its parsed ``data``):
    retired tip id -> the live tip it was merged into (users' saves, votes and views of
    the old id follow it)."""
    if not isinstance(data, _Map) or "merged" not in data:
        return {}
    value = data["merged"]
    line = data.key_lines.get("merged", 1)
    if not isinstance(value, _Map):
        problems.append(Problem(path.name, line, "'merged' must map old tip ids to kept ones"))
        return {}
    out: dict[str, str] = {}
    for old, kept in value.items():
        at = value.key_lines.get(old, line)
        if not isinstance(kept, str) or not ID_RE.match(old):
            problems.append(Problem(path.name, at, f"merged '{old}' needs a tip id, got {kept!r}"))
        elif old in tips:
            problems.append(
                Problem(path.name, at, f"merged tip '{old}' is still a live tip: delete it")
            )
        elif kept not in tips:
            problems.append(
                Problem(path.name, at, f"merged '{old}' points at '{kept}', which is no live tip")
            )
        else:
            out[old] = kept
    return out


def _titles(
    path: Path,
    seeds: dict[str, DocInfo],
    quoted: dict[str, tuple[str, int]],
    problems: list[Problem],
) -> dict[str, DocInfo]:
    """The seeds' infos with the short titles (and URLs) of ``documents.yaml``.

    Without the file, the seeds' own titles. With it: a document the bank quotes needs
    a title, and a title must be for a document in the seeds (when they are known).
    """
    if not path.is_file():
        return seeds
    r = _Reader(DOCUMENTS, problems, None)
    out = dict(seeds)
    seen: set[str] = set()
    for rec in read_records(path, "documents", problems):
        name = r.text(rec, "doc", 200)
        title = r.text(rec, "title", DOC_TITLE_MAX)
        url = rec.get("url")
        if url is not None and not (isinstance(url, str) and URL_RE.match(url.strip())):
            r.problem(r.line_of(rec, "url"), "'url' must be an http(s) URL")
            url = None
        if not name:
            continue
        if name in seen:
            r.problem(r.line_of(rec, "doc"), f"duplicate document '{name}'")
        seen.add(name)
        if seeds and name not in seeds:
            r.problem(r.line_of(rec, "doc"), f"a title for an unknown document '{name}'")
        seed = seeds.get(name)
        out[name] = DocInfo(name, title, url.strip() if url else seed.url if seed else None)
    for name, (file, line) in sorted(quoted.items()):
        if name not in seen and (not seeds or name in seeds):
            problems.append(Problem(file, line, f"document '{name}' has no title in {DOCUMENTS}"))
    return out


def _doc_infos(seeds: Path) -> dict[str, DocInfo]:
    """Title and URL of every seed document (empty when the folder is absent)."""
    if not seeds.is_dir():
        return {}
    return {n: DocInfo(n, d.title, d.url) for n, d in load_seed_docs(seeds).items()}

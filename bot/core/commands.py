"""The ONE command registry.

Every command is declared once, next to its handler, with :func:`command`. From the
registry come the console, Slack and button text parsing (:meth:`Registry.read`: the
command and its options' words by name), the conversion and validation of option values
by name whatever their source (:meth:`Registry.bind`, also for Discord's typed options),
the help text, and each platform's command definitions (Discord's tree is generated
from :attr:`Command.options` and :attr:`Command.slug`). Nothing lists the commands twice.
"""

from __future__ import annotations

import difflib
import importlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import TYPE_CHECKING, Any, Literal

from bot.core import messages, zones
from bot.core.errors import InputTooLong, UnknownCommand, UnknownZone, UsageError

if TYPE_CHECKING:
    from bot.core.replies import Reply

MAX_TEXT = 500  # characters of command text we accept at all
OptionKind = Literal[
    "word", "text", "skill", "role", "tip", "int", "time", "timezone", "days", "channel", "choice"
]
# A handler is a plain function of a Context: it runs inside the command's transaction
# on the database thread (see bot.core.ports.Store), so it never awaits.
Handler = Callable[..., "Reply"]

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The order of groups in help (and in platform command lists).
GROUPS = ("General", "Tips", "Skills and roles", "Progress", "Daily tips", "Your data", "Admin")
GREEDY: frozenset[str] = frozenset({"text", "skill", "role", "days"})


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    kind: OptionKind
    help: str
    required: bool = True
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None

    @property
    def autocomplete(self) -> bool:
        return self.kind in ("skill", "role", "timezone")

    @property
    def greedy(self) -> bool:
        """Consumes the rest of the text ("skill py torch", "daily 07:00 every day")."""
        return self.kind in GREEDY


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # one or two words: "tip", "roadmap done", "admin daily"
    summary: str  # one line, <= 100 characters (Discord's description limit)
    handler: Handler
    options: tuple[Option, ...] = ()
    group: str = "General"
    admin: bool = False
    button_only: bool = False  # reached by buttons; not offered as a slash command

    @property
    def slug(self) -> str:
        """The single-token name for platforms that need one (Discord subcommands)."""
        return self.name.replace(" ", "-")

    @property
    def usage(self) -> str:
        parts = [self.name]
        for o in self.options:
            label = "|".join(o.choices) if o.choices else o.name
            parts.append(f"<{label}>" if o.required else f"[{label}]")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Parsed:
    command: Command
    args: dict[str, Any] = field(default_factory=dict)


def clean_value(text: str) -> str:
    """Drop control and invisible characters, collapse whitespace, refuse huge input."""
    # NFKC: full-width and compatibility forms ("ＰｙＴｏｒｃｈ", "ﬁ") read as plain text.
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", _ANSI.sub("", text)))
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise InputTooLong(f"That is {len(text)} characters; commands are at most {MAX_TEXT}.")
    return text


def clean_text(text: str) -> str:
    """:func:`clean_value` for a whole command line, without a leading '/career '."""
    text = clean_value(text)
    for prefix in ("/career ", "career "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    return text.strip()


class Registry:
    """Commands by name. ``handlers`` names the package whose import declares them: it is
    imported on first use, so the registry is complete wherever it is read from."""

    def __init__(self, handlers: str | None = None) -> None:
        self._commands: dict[str, Command] = {}
        self._handlers = handlers

    def _load(self) -> None:
        if self._handlers is not None:
            module, self._handlers = self._handlers, None
            importlib.import_module(module)

    def __iter__(self) -> Iterator[Command]:
        """Commands in help order: by group, then as declared."""
        self._load()
        return iter(sorted(self._commands.values(), key=lambda c: GROUPS.index(c.group)))

    def __len__(self) -> int:
        self._load()
        return len(self._commands)

    def get(self, name: str) -> Command | None:
        self._load()
        return self._commands.get(name) or self._by_slug().get(name)

    def _by_slug(self) -> dict[str, Command]:
        return {c.slug: c for c in self._commands.values()}

    def command(
        self,
        name: str,
        summary: str,
        *options: Option,
        group: str = "General",
        admin: bool = False,
        button_only: bool = False,
    ) -> Callable[[Handler], Handler]:
        self._load()  # a name declared twice is refused even before first use
        if group not in GROUPS:
            raise ValueError(f"unknown group {group!r} for {name!r}")
        if len(summary) > 100:
            raise ValueError(f"summary of {name!r} is over 100 characters")
        if name in self._commands:
            raise ValueError(f"command {name!r} is declared twice")

        def register(fn: Handler) -> Handler:
            self._commands[name] = Command(name, summary, fn, options, group, admin, button_only)
            return fn

        return register

    def parse(self, text: str) -> Parsed:
        """Parse and convert cleaned command text: :meth:`read`, then :meth:`bind`."""
        cmd, raw = self.read(text)
        return Parsed(cmd, self.bind(cmd, raw) if text else {})

    def read(self, text: str) -> tuple[Command, dict[str, str | None]]:
        """The command named by cleaned text and its options' words by option name (None:
        not given); the longest matching command name wins. The text grammar only: the
        values are converted by :meth:`bind`, as those of a platform with typed options."""
        found = self.lookup(text)
        if found is None:
            raise self._unknown(text.split(" ")[0])
        cmd, rest = found
        return cmd, self._read_options(cmd, rest) if text else {}

    def lookup(self, text: str) -> tuple[Command, list[str]] | None:
        """The command cleaned text names (empty text: help) and the words after its name;
        None when it names none. The longest matching command name wins."""
        self._load()
        words = text.split(" ") if text else []
        if not words:
            return self._commands["help"], []
        for n in (2, 1):
            if len(words) >= n:
                cmd = self.get(" ".join(words[:n]).lower())
                if cmd is not None:
                    return cmd, words[n:]
        return None

    def named(self, name: str) -> Command:
        """The command called ``name`` (or its slug), else :class:`UnknownCommand`."""
        cmd = self.get(name.lower())
        if cmd is None:
            raise self._unknown(name)
        return cmd

    def _unknown(self, word: str) -> UnknownCommand:
        names = [c.name for c in self if not c.button_only]
        word = word.lower()[:40]
        return UnknownCommand(word, difflib.get_close_matches(word, names, n=3, cutoff=0.6))

    def _read_options(self, cmd: Command, words: list[str]) -> dict[str, str | None]:
        raw: dict[str, str | None] = {}
        rest = words
        for i, opt in enumerate(cmd.options):
            if not rest:
                if opt.required:
                    raise _missing(cmd, opt)
                raw[opt.name] = None
                continue
            if opt.greedy and i == len(cmd.options) - 1:
                raw[opt.name], rest = " ".join(rest), []
            elif (
                not opt.required
                and not _fits(opt, rest[0])
                and not _looks_like(opt, rest[0], i == len(cmd.options) - 1)
            ):
                raw[opt.name] = None  # an optional option that this word is not: skip it
            else:
                raw[opt.name], rest = rest[0], rest[1:]
        if rest:
            self.bind(cmd, raw)  # a bad value is reported before the extra words
            extra = " ".join(rest)[:40]
            raise UsageError(f"Too many words for '{cmd.name}': '{extra}'.", cmd.usage)
        return raw

    @staticmethod
    def bind(cmd: Command, values: Mapping[str, str | None]) -> dict[str, Any]:
        """Each option's value converted BY NAME with the registry's converters: the
        handler's keyword arguments. None or '' is "not given"; a required option not
        given, an option ``cmd`` does not have, or a bad value is a :class:`UsageError`
        (the same message whether the value was typed in text or in a typed option)."""
        args: dict[str, Any] = {}
        for opt in cmd.options:
            value = values.get(opt.name)
            if not value:
                if opt.required:
                    raise _missing(cmd, opt)
                args[opt.name] = None
            else:
                args[opt.name] = convert(opt, value, cmd.usage)
        if not values.keys() <= args.keys():  # every option is in args: a name it lacks
            name = next(n for n in values if n not in args)
            message = messages.UNKNOWN_OPTION.format(option=name[:40], command=cmd.name)
            raise UsageError(message, cmd.usage)
        return args


def _missing(cmd: Command, opt: Option) -> UsageError:
    return UsageError(f"'{cmd.name}' needs <{opt.name}>: {opt.help}.", cmd.usage)


def _looks_like(opt: Option, word: str, last: bool = False) -> bool:
    """A word meant for this option even though it is wrong ("Mars/Olympus" is a zone,
    "25:00" a time, any word for a last option with choices: "level guru"): report its
    own error instead of skipping to the next option."""
    if opt.kind == "time":
        return _TIME.fullmatch(word) is not None
    return (opt.kind == "timezone" and "/" in word) or (last and opt.kind == "choice")


def _fits(opt: Option, word: str) -> bool:
    try:
        convert(opt, word, "")
    except UsageError:
        return False
    return True


def convert(opt: Option, raw: str, usage: str) -> Any:
    """Turn one option's text into its value, or raise a :class:`UsageError`."""
    value = raw.strip()
    if opt.kind == "int":
        if not re.fullmatch(r"[+-]?\d{1,9}", value):
            raise UsageError(f"<{opt.name}> must be a whole number, not '{value[:20]}'.", usage)
        number = int(value)
        if (opt.min_value is not None and number < opt.min_value) or (
            opt.max_value is not None and number > opt.max_value
        ):
            raise UsageError(
                f"<{opt.name}> must be between {opt.min_value} and {opt.max_value}.", usage
            )
        return number
    if opt.kind == "choice":
        if value.lower() not in opt.choices:
            raise UsageError(f"<{opt.name}> must be one of: {', '.join(opt.choices)}.", usage)
        return value.lower()
    if opt.kind == "time":
        return parse_time(value, usage)
    if opt.kind == "timezone":
        return parse_zone(value, usage)
    if opt.kind == "days":
        return parse_days(value, usage)
    if opt.kind == "channel":
        m = re.fullmatch(r"<#([A-Z0-9]+|\d+)(?:\|[^>]*)?>|#?([A-Za-z0-9_-]{1,80})", value)
        if not m:
            raise UsageError(f"<{opt.name}> must be a channel like #general.", usage)
        return m.group(1) or m.group(2)
    if len(value) > 100:
        raise UsageError(f"<{opt.name}> is too long (at most 100 characters).", usage)
    return value


def parse_time(value: str, usage: str = "") -> time:
    m = _TIME.fullmatch(value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise UsageError(f"'{value[:20]}' is not a time; use 24-hour HH:MM, e.g. 07:30.", usage)
    return time(int(m.group(1)), int(m.group(2)))


def parse_zone(value: str, usage: str = "") -> str:
    try:
        return zones.canonical(value)
    except UnknownZone as exc:
        raise UsageError(exc.message, usage) from exc


zone_names = zones.names


_DAY_GROUPS: dict[str, frozenset[int]] = {
    "every day": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "daily": frozenset(range(7)),
    "all": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_RANGE_DASH = re.compile(r"\s*[-\u2013\u2014]\s*")  # mon-fri, mon - fri, mon–fri


def _day(word: str) -> int | None:
    """0 = Monday for 'mon' or 'monday'; None for anything else."""
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in _FULL_DAYS:
        return _FULL_DAYS.index(word)
    return None


def day_range(first: int, last: int) -> tuple[int, ...]:
    """The days from ``first`` to ``last`` inclusive, wrapping past Sunday (fri-mon)."""
    return tuple((first + i) % 7 for i in range((last - first) % 7 + 1))


def _part_days(part: str, usage: str) -> Iterator[int]:
    if part in _DAY_GROUPS:
        yield from _DAY_GROUPS[part]
        return
    if "-" not in part:
        day = _day(part)
        if day is None:
            raise UsageError(messages.DAYS_NOT_A_DAY.format(part=part[:20]), usage)
        yield day
        return
    pieces = part.split("-")
    if len(pieces) != 2 or not all(pieces):
        raise UsageError(messages.DAYS_BAD_RANGE.format(part=part[:20]), usage)
    ends: list[int] = []
    for piece in pieces:
        day = _day(piece)
        if day is None:
            raise UsageError(messages.DAYS_NOT_A_DAY.format(part=piece[:20]), usage)
        ends.append(day)
    yield from day_range(ends[0], ends[1])


def parse_days(value: str, usage: str = "") -> frozenset[int]:
    """A day list, the one grammar for every place that takes one.

    'every day' (or 'daily'), 'weekdays', 'weekends', or a list of days and ranges
    separated by commas or spaces: 'mon,wed,fri', 'mon-fri', 'mon-wed,fri', 'friday'.
    A range runs forward through the week and wraps past Sunday: 'fri-mon' is Friday,
    Saturday, Sunday and Monday; 'mon-mon' is Monday alone. 0 = Monday.
    """
    text = " ".join(value.lower().split())
    if text in _DAY_GROUPS:
        return _DAY_GROUPS[text]
    parts = [p for p in re.split(r"[\s,]+", _RANGE_DASH.sub("-", text)) if p]  # "sat,sun,"
    if not parts:
        raise UsageError(messages.DAYS_EMPTY.format(value=value.strip()[:20]), usage)
    return frozenset(d for part in parts for d in _part_days(part, usage))


def format_days(days: frozenset[int]) -> str:
    """The shortest day list that :func:`parse_days` reads back as ``days``.

    Runs of three or more days become ranges (wrapping past Sunday): {0, 1, 2, 4} is
    'mon-wed,fri', {4, 5, 6, 0} is 'fri-mon'.
    """
    if len(days) == 7:
        return "every day"
    if days == frozenset(range(5)):
        return "weekdays"
    starts = sorted(d for d in days if (d - 1) % 7 not in days)
    out: list[str] = []
    for start in starts:
        end = start
        while (end + 1) % 7 in days:
            end = (end + 1) % 7
        run = day_range(start, end)
        if len(run) >= 3:
            out.append(f"{DAY_NAMES[start]}-{DAY_NAMES[end]}")
        else:
            out.extend(DAY_NAMES[d] for d in run)
    return ",".join(out)


REGISTRY = Registry(handlers="bot.core.handlers")
command = REGISTRY.command

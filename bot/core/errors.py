"""The error hierarchy of the core. The core raises; adapters render via ``Core.respond``.

CareerbotError              a user-facing problem; ``str(err)`` is the message
├── UsageError              bad arguments; carries the command's usage line
├── UnknownCommand          the first word is no command; carries suggestions
├── NotFound                an unknown skill/role/tip/step; carries suggestions
├── UnknownZone             no IANA time zone has that name; carries the name
├── Forbidden               an admin command from a non-admin
└── InputTooLong            the text is over the limit

StoreError                  the database cannot be opened or used (operator's problem)
"""

from __future__ import annotations

from collections.abc import Sequence


class CareerbotError(Exception):
    """A problem the user can fix; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CareerbotError):
    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage


class UnknownCommand(CareerbotError):
    def __init__(self, word: str, suggestions: Sequence[str]) -> None:
        self.word = word
        self.suggestions = tuple(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown command '{word}'.{hint} Type 'help' for the list.")


class NotFound(CareerbotError):
    def __init__(
        self, kind: str, query: str, suggestions: Sequence[str], listing: str | None = ""
    ) -> None:
        """``listing``: the command that lists every ``kind`` ('' means ``kind + 's'``;
        None when there is none, e.g. for tip ids)."""
        self.kind = kind
        self.query = query
        self.suggestions = tuple(suggestions)
        listing = f"{kind}s" if listing == "" else listing
        if self.suggestions:
            hint = f" Did you mean: {', '.join(self.suggestions)}?"
        elif listing:
            hint = f" Try '{listing}' for the list."
        else:
            hint = ""
        super().__init__(f"No {kind} matches '{query}'.{hint}")


class Forbidden(CareerbotError):
    pass


class UnknownZone(CareerbotError, ValueError):
    """No IANA time zone has this name (or its data is missing here)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class InputTooLong(CareerbotError):
    pass


class StoreError(Exception):
    """The database cannot be opened or used; the message says why, in one line.

    Not a :class:`CareerbotError`: it is the operator's problem, printed by the command
    line (``careerbot run``, ``say``), never shown to a chat user.
    """

"""The neutral request: who asks, what they ask, where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The tenant of users whose ids are global across servers (Discord): one profile per
# person, whichever server (or DM) a command comes from. The server is the request's
# ``workspace``.
GLOBAL_TENANT = "global"


@dataclass(frozen=True, slots=True)
class User:
    """A person on one platform. The same id in two Slack workspaces is two users."""

    platform: str  # "console", "slack", "discord"
    tenant: str  # Slack team id, GLOBAL_TENANT on Discord, "local" for the console
    user_id: str
    display_name: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command picked by name with its option values by name, as a platform with typed
    options sends it (Discord's ``/career skills category:"soft skill"``): nothing to
    re-parse from text. Values are the user's text (a channel: its id); the core converts
    and validates each one with the registry's converters, as for typed text."""

    command: str  # the registry name or slug: "skills", "roadmap done", "roadmap-done"
    options: tuple[tuple[str, str], ...] = ()  # (option name, value), values given only

    @classmethod
    def of(cls, command: str, options: Mapping[str, str | None] | None = None) -> Invocation:
        """From a mapping; an option whose value is None was not given."""
        given = (options or {}).items()
        return cls(command, tuple((k, v) for k, v in given if v is not None))


@dataclass(frozen=True, slots=True)
class Request:
    user: User
    # command text ("skill rust") or a button's command ("save t001"); unused (and
    # empty) when the request carries an ``invocation``
    text: str = ""
    channel_id: str | None = None  # where: a channel, or None for a DM / the console
    is_dm: bool = True
    via_button: bool = False
    is_admin: bool = False  # the adapter decides (Discord: Manage Server)
    tz_hint: str | None = None  # the platform's idea of the user's IANA zone, when known
    # where, when it is not the user's own tenant: the Discord server (None in a DM)
    workspace: str | None = None
    # what is asked, by name, when the platform has typed options (else parse ``text``)
    invocation: Invocation | None = None
    # whether the platform can tell the core the user is away at delivery time
    # ('settings away-skip'): "ok", "missing_scope" (it could, with more scopes) or
    # "unsupported" (it can't; the default)
    away_check: str = "unsupported"

    @property
    def tenant(self) -> str:
        """The workspace/server the request comes from: channel subscriptions live there."""
        return self.workspace or self.user.tenant

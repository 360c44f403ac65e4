"""The neutral request: who asks, what they ask, where."""

from __future__ import annotations

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
class Request:
    user: User
    text: str  # command text ("skill rust") or a button's command ("save t001")
    channel_id: str | None = None  # where: a channel, or None for a DM / the console
    is_dm: bool = True
    via_button: bool = False
    is_admin: bool = False  # the adapter decides (Discord: Manage Server)
    tz_hint: str | None = None  # the platform's idea of the user's IANA zone, when known
    # where, when it is not the user's own tenant: the Discord server (None in a DM)
    workspace: str | None = None

    @property
    def tenant(self) -> str:
        """The workspace/server the request comes from: channel subscriptions live there."""
        return self.workspace or self.user.tenant

"""The registry of chat platforms: one :class:`Platform` descriptor per platform package.

A platform package (``bot/platforms/slack``, or any importable package of your own)
exports ONE descriptor as ``PLATFORM`` from its ``__init__``. Importing it must stay
cheap: the platform library is imported by ``build`` only, when the platform runs.

The registry lists the built-in packages below plus the modules named in the
``CAREERBOT_PLATFORMS`` setting (comma-separated module paths), in that order. The
runner, the CLI, the settings and the sender know platforms only through it; a new
platform is a package and a line in ``CAREERBOT_PLATFORMS`` (or in ``BUILTIN``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.delivery.sender import Limits

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.ports import Adapter

BUILTIN: tuple[str, ...] = ("bot.platforms.slack", "bot.platforms.discord")


class Settings(Protocol):
    """What the registry reads of :class:`bot.config.Settings` (which reads the platforms'
    own settings through this registry: the registry does not import it back)."""

    @property
    def platform_modules(self) -> tuple[str, ...]: ...

    @property
    def platforms(self) -> Mapping[str, Any]: ...


class PlatformError(Exception):
    """A platform module that cannot be imported or exports no valid descriptor."""


@dataclass(frozen=True)
class Platform:
    """What careerbot needs to know about one chat platform."""

    name: str  # the ``platform`` of its users, its messenger and its adapter
    # its settings: a dataclass whose fields name their variables (bot.config.setting)
    settings: type[Any]
    configured: Callable[[Any], bool]  # (its settings) -> should ``careerbot run`` start it?
    # (its settings, the core, the ``run`` options) -> the adapter, carrying its messenger
    build: Callable[[Any, Core, Mapping[str, Any]], Adapter]
    limits: Limits  # the delivery sender's budget for its messenger
    setup: str  # what to set, for "no platform configured" ("DISCORD_TOKEN for Discord")
    # how its renderer writes a channel reference (bot.core.refs) as a link
    mention: Callable[[str], str] = field(default=lambda channel_id: f"#{channel_id}")
    # the tenant of every user when user ids are global across servers, else None
    tenant: str | None = None
    # extra arguments of ``careerbot run`` (they reach ``build`` as options)
    run_arguments: Callable[[Any], None] | None = None  # (run's argparse parser)
    # extra subcommands of ``careerbot``: modules with ``register(subparsers)`` and
    # ``run(args, settings) -> int`` like those of :mod:`bot.cli` (registering must not
    # import the platform's library: ``careerbot --help`` stays fast)
    commands: tuple[str, ...] = ()


_loaded: dict[str, Platform] = {}


def load_platform(module: str) -> Platform:
    """The descriptor ``module`` exports as ``PLATFORM``."""
    found = _loaded.get(module)
    if found is not None:
        return found
    try:
        descriptor = importlib.import_module(module).PLATFORM
    except ImportError as exc:
        raise PlatformError(f"cannot import {module}: {exc}") from exc
    except AttributeError as exc:
        raise PlatformError(f"{module} exports no PLATFORM descriptor") from exc
    if not isinstance(descriptor, Platform):
        raise PlatformError(f"{module}.PLATFORM is not a Platform descriptor")
    _loaded[module] = descriptor
    return descriptor


def load_platforms(extra: Sequence[str] = ()) -> list[Platform]:
    """The built-in platforms, then those of ``extra`` (module paths); names are unique."""
    out: dict[str, Platform] = {}
    for module in (*BUILTIN, *extra):
        descriptor = load_platform(module)
        if out.get(descriptor.name, descriptor) is not descriptor:
            raise PlatformError(f"two platforms are named '{descriptor.name}' ({module})")
        out[descriptor.name] = descriptor
    return list(out.values())


def platforms(settings: Settings) -> list[Platform]:
    return load_platforms(settings.platform_modules)


def get(settings: Settings, name: str) -> Platform | None:
    return next((p for p in platforms(settings) if p.name == name), None)


def settings_of(settings: Settings, platform: Platform) -> Any:
    """The platform's own settings (its defaults when nothing of it is set)."""
    return settings.platforms.get(platform.name) or platform.settings()


def configured(settings: Settings, choice: str = "all") -> list[Platform]:
    """The platforms whose settings are there, in registry order (``choice``: a name)."""
    return [
        p
        for p in platforms(settings)
        if choice in ("all", p.name) and p.configured(settings_of(settings, p))
    ]

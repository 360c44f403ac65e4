"""IANA time zones: the one check of a zone name, wherever it comes from.

A user's ``daily 07:30 europe/berlin``, a platform's idea of the user's zone (Slack's
users.info ``tz``) and a stored schedule all go through :func:`canonical`: the name as
the tz database spells it (case-insensitive; ``UTC``, ``Z`` and ``GMT`` are ``UTC``), or
:class:`~bot.core.errors.UnknownZone` with a message a user can act on. Only names the
tz database lists are zones (``available_timezones``), so a stray file under the zone
directory is not one.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core import messages
from bot.core.errors import UnknownZone

_UTC = ("UTC", "Z", "GMT")


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def canonical(name: str) -> str:
    """The tz database's spelling of ``name``; raises UnknownZone when there is none."""
    text = name.strip()
    if text.upper() in _UTC:
        return "UTC"
    found = _index().get(text.lower())
    if found is None:
        raise UnknownZone(text, messages.ZONE_UNKNOWN.format(name=text[:40]))
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(found, messages.ZONE_UNAVAILABLE.format(name=found)) from exc
    return found


def known(name: object) -> str | None:
    """:func:`canonical` for a platform's hint: the zone, or None for anything else."""
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return canonical(name)
    except UnknownZone:
        return None


@lru_cache(maxsize=512)
def zone_info(name: str) -> ZoneInfo:
    """The ZoneInfo of a zone name (cached); raises UnknownZone when it is none."""
    return ZoneInfo(canonical(name))


def names() -> list[str]:
    """Every zone name, sorted (for autocompletion)."""
    return sorted(_index().values())

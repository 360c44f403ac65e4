"""Command handlers. Importing this package declares every command in the registry."""

from bot.core.handlers import (
    account,
    daily,
    exports,
    general,
    habits,
    link,
    review,
    roadmap,
    roles,
    skills,
    tips,
    weekly,
)

__all__ = [
    "account",
    "daily",
    "exports",
    "general",
    "habits",
    "link",
    "review",
    "roadmap",
    "roles",
    "skills",
    "tips",
    "weekly",
]

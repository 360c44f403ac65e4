"""Command handlers. Importing this package declares every command in the registry."""

from bot.core.handlers import account, daily, general, link, roadmap, roles, skills, tips

__all__ = ["account", "daily", "general", "link", "roadmap", "roles", "skills", "tips"]

"""Slack (slack-bolt): slash commands, buttons, App Home, DMs and channel posts."""

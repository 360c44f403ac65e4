"""Discord (discord.py): the /career command tree, buttons, DMs and channel posts."""

"""careerbot: a self-hosted Slack and Discord bot that coaches machine-learning engineers."""

__version__ = "0.1.0"

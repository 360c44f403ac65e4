"""Protocol-faithful fake platforms (Slack, Discord) served on 127.0.0.1 for tests."""

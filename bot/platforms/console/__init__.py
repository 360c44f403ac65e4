"""The console: an interactive chat and one-shot ``say`` on the local database."""

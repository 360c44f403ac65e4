"""Chat platforms: one package each (adapter, renderer, messenger, settings, limits)."""

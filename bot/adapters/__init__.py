"""Adapters: each turns platform traffic into core requests and renders the replies."""

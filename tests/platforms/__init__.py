"""Tests of the platform adapters against fake platforms on loopback."""

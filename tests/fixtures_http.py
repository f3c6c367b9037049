"""Loopback HTTP server fixtures (see issue 3)."""

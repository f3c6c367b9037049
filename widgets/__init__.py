"""Reusable views: they render data given to them and post messages; no I/O."""

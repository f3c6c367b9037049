"""The Textual app, its screens and workers, and the CLI entry point."""

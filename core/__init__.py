"""The engine: catalog, cache, downloads, extraction, installs. Never imports textual."""

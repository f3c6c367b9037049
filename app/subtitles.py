"""What the panes' border subtitles say (no Textual). A key named in one reads `key: what it
does` in every pane (`e: environments`), so a key never reads as a count beside one."""

from __future__ import annotations


def key_hint(key: str, action: str) -> str:
    """`e: environments`: a key and what it does, as a subtitle names it."""
    return f"{key}: {action}"


def envs_subtitle(*, scanning: bool) -> str:
    """The environments screen's subtitle: its keys, or that a scan runs and how to stop it."""
    if scanning:
        return f"scanning… · {key_hint('c', 'stop')}"
    return " · ".join((key_hint("r", "rescan"), key_hint("/", "filter"), key_hint("Esc", "close")))

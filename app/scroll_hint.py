"""The hint under a scrolling dialog body (the help, History): it names the keys that reach
what is out of view, so at the end it no longer says there is more below."""

from __future__ import annotations

MORE_BELOW = "more below: ↓ PgDn End"
MORE_ABOVE = "more above: ↑ PgUp Home"
MORE_BOTH = "more above and below: ↑ ↓ PgUp PgDn Home End"


def scroll_hint(scroll_y: float, max_scroll_y: float) -> str:
    """The hint for a body scrolled to `scroll_y` of `max_scroll_y`; empty when it all fits."""
    if max_scroll_y <= 0:
        return ""
    if scroll_y <= 0:
        return MORE_BELOW
    if scroll_y >= max_scroll_y:
        return MORE_ABOVE
    return MORE_BOTH

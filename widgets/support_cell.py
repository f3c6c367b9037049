"""The Support column's cell (Available and Installed): the status in words, coloured by the
theme's status colours through the tables' component classes (app.tcss), never by colour
alone: `EOL 2024-10` in the error colour, `security → 2028-10` in the warning colour,
`bugfix → 2027-10` and `pre-release → 2026-10` plain; narrower, `bugfix → 2027`, then
`bugfix…`."""

from __future__ import annotations

import re

from pytui.widgets.rows import SupportView
from pytui.widgets.table_cells import FormText
from rich.text import Text

# The component class each phase's cell is drawn with (KeyedTable.CLASSED_STYLES).
EOL_CLASS = "support--eol"
SECURITY_CLASS = "support--security"
SUPPORT_STYLES = frozenset({EOL_CLASS, SECURITY_CLASS})
_CLASS_OF = {"end-of-life": EOL_CLASS, "security": SECURITY_CLASS}
_NONE = Text("")
# `<phase> → YYYY-MM`: the forms with a year-only form.
_UNTIL_MONTH = re.compile(r"([a-z-]+ → [0-9]{4})-[0-9]{2}")


def support_cell(support: SupportView | None, style: str | None = None) -> Text:
    """The status, and the shorter forms a narrow column shows instead: without the month
    (`security → 2028`), then its phase and "…" (`security…`, `pre-release…`, `EOL 2024…`),
    never a word cut (`pre-rele…`). `style` replaces the phase's (a dimmed row)."""
    if support is None:
        return _NONE
    if style is None:
        style = _CLASS_OF.get(support.phase, "")
    short = Text(short_support(support.text), style=style)
    # A status with no year form (`EOL 2024-10`) is its own: every cell's forms line up (whole,
    # year, phase), so a column drawn at one level for all rows says the same of each.
    short = FormText(year_support(support.text) or support.text, style=style, short=short)
    return FormText(support.text, style=style, short=short)


def year_support(text: str) -> str | None:
    """`bugfix → 2027-10` -> `bugfix → 2027`: the year kept, the month dropped; None for a
    status with no such form (`EOL 2024-10`, short already)."""
    match = _UNTIL_MONTH.fullmatch(text)
    return match.group(1) if match else None


def short_support(text: str) -> str:
    """`security → 2028-10` -> `security…`; `EOL 2024-10` -> `EOL 2024…` (the year kept)."""
    if text.startswith("EOL ") and len(text) > 8:
        return text[:8] + "…"
    word = text.split(" ", 1)[0]
    return word if word == text else word + "…"

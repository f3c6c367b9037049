"""The Support column's cell (Available and Installed): the status in words, coloured by the
theme's status colours through the tables' component classes (app.tcss), never by colour
alone: `EOL 2024-10` in the error colour, `security → 2028-10` in the warning colour,
`bugfix → 2027-10` and `pre-release → 2026-10` plain."""

from __future__ import annotations

from pytui.widgets.rows import SupportView
from pytui.widgets.table_cells import FormText
from rich.text import Text

# The component class each phase's cell is drawn with (KeyedTable.CLASSED_STYLES).
EOL_CLASS = "support--eol"
SECURITY_CLASS = "support--security"
SUPPORT_STYLES = frozenset({EOL_CLASS, SECURITY_CLASS})
_CLASS_OF = {"end-of-life": EOL_CLASS, "security": SECURITY_CLASS}
_NONE = Text("")


def support_cell(support: SupportView | None) -> Text:
    """The status, and the short form a narrow column shows instead: its phase and "…"
    (`security…`, `pre-release…`, `EOL 2024…`), never a word cut (`pre-rele…`)."""
    if support is None:
        return _NONE
    style = _CLASS_OF.get(support.phase, "")
    return FormText(support.text, style=style, short=Text(short_support(support.text), style=style))


def short_support(text: str) -> str:
    """`security → 2028-10` -> `security…`; `EOL 2024-10` -> `EOL 2024…` (the year kept)."""
    if text.startswith("EOL ") and len(text) > 8:
        return text[:8] + "…"
    word = text.split(" ", 1)[0]
    return word if word == text else word + "…"

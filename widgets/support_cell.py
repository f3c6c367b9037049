"""The Support column's cell (Available and Installed): the status in words, coloured by the
theme's status colours through the tables' component classes (app.tcss), never by colour
alone: `EOL 2024-10` in the error colour, `security → 2028-10` in the warning colour,
`bugfix → 2027-10` and `pre-release → 2026-10` plain."""

from __future__ import annotations

from pytui.widgets.rows import SupportView
from rich.text import Text

# The component class each phase's cell is drawn with (KeyedTable.CLASSED_STYLES).
EOL_CLASS = "support--eol"
SECURITY_CLASS = "support--security"
SUPPORT_STYLES = frozenset({EOL_CLASS, SECURITY_CLASS})
_CLASS_OF = {"end-of-life": EOL_CLASS, "security": SECURITY_CLASS}
_NONE = Text("")


def support_cell(support: SupportView | None) -> Text:
    if support is None:
        return _NONE
    return Text(support.text, style=_CLASS_OF.get(support.phase, ""))

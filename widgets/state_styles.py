"""The colours of the tables' state cells and marks (Available's ✓ ↑ ! ↻, Cached's `ok +tree`,
`partial 40%`, Installed's Update), as component classes drawn in the theme's status colours
(app/contrast.py: each reaches 4.5:1 on the panes' grounds), never in a fixed colour name:
Rich's `yellow` and `green` on the light theme's rows were 2.0-2.2:1 and 2.9-3.2:1.

A cell names a class as a style, whole (`Text("ok", style=OK)`) or in a span
(`f"[bold][{OK}]✓[/][/]"`); FastDataTable.CLASSED_STYLES swaps it for the class's colour when
the cell is drawn (the public DataTable path draws it plain: the words and marks carry it)."""

from __future__ import annotations

# Done and well: installed, `ok`.
OK = "state--ok"
# Under way or waiting, or a newer build to have: a download's percent, `partial`, `↻`, `↑`.
WAIT = "state--wait"
# Wrong: failed, damaged, a manifest that does not read.
BAD = "state--bad"
# Said for information: `+tree`, cached (↓ on Available), a newer pytui's tree.
NOTE = "state--note"
# Left over, nothing wrong: an orphan file, a tree whose archive is gone.
ODD = "state--odd"

STATE_STYLES = frozenset({OK, WAIT, BAD, NOTE, ODD})

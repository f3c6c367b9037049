"""Release-cycle dates as kept in the state dir (or fetched) are shown and written out in the
one form pytui validated: `YYYY-MM[-DD]` in ASCII digits, the minor as `3.12`. A value the
checks accept because they match as the regular expressions would (a final newline, digits of
another script: `str.isdecimal`) was kept as written, so `pytui list --json` printed
`"end_of_life": "2024-10\\n"` and the TUI showed `EOL ２０２４-１０`."""

from __future__ import annotations

import json
from pathlib import Path

from pytui.core.support import SupportTable, load_cycles, parse_cycles

CYCLES = {f"3.{m}": {"first_release": f"20{10 + m}-10-01", "end_of_bugfix": f"20{12 + m}-04",
                     "end_of_life": f"20{15 + m}-10"} for m in range(6, 13)}


def test_dates_and_minor_versions_are_kept_in_ascii_without_a_newline(tmp_path: Path) -> None:
    odd = dict(CYCLES)
    odd["3.12"] = {"first_release": "2023-10-02\n", "end_of_bugfix": "２０２５-０４",
                   "end_of_life": "2028-10\n"}
    odd["３.１１"] = {"first_release": "2022-10-24", "end_of_bugfix": "2024-04", "end_of_life": "2027-10"}
    (tmp_path / "release-cycle.json").write_text(json.dumps(odd), encoding="utf-8")
    cycles = load_cycles(tmp_path)
    assert "３.１１" not in cycles
    twelve = cycles["3.12"]
    assert (twelve.first_release, twelve.end_of_bugfix, twelve.end_of_life) == \
        ("2023-10-02", "2025-04", "2028-10")
    status = SupportTable(cycles, "2026-12-01").for_minor(3, 12)
    assert status is not None and status.text() == "security → 2028-10"
    assert all(v.isascii() and "\n" not in v for v in status.to_json().values() if isinstance(v, str))


def test_every_accepted_cycle_reads_back_the_same() -> None:
    cycles = parse_cycles(json.dumps(CYCLES).encode())
    assert {m: [c.first_release, c.end_of_bugfix, c.end_of_life] for m, c in cycles.items()} == \
        {m: [v["first_release"], v["end_of_bugfix"], v["end_of_life"]] for m, v in CYCLES.items()}

"""Release-cycle dates as kept in the state dir (or fetched) are shown and written out in the
one form pytui validated: `YYYY-MM[-DD]` in ASCII digits, the minor as `3.12`. A value the
checks accept because they match as the regular expressions would (a final newline, digits of
another script: `str.isdecimal`) was kept as written, so `pytui list --json` printed
`"end_of_life": "2024-10\\n"` and the TUI showed `EOL ２０２４-１０`. Now, as uv reads numbers,
only ASCII digits are digits: an entry with `２０２４-１０` is refused."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core import support
from pytui.core.support import SupportTable, load_cycles, parse_cycles

CYCLES = {f"3.{m}": {"first_release": f"20{10 + m}-10-01", "end_of_bugfix": f"20{12 + m}-04",
                     "end_of_life": f"20{15 + m}-10"} for m in range(6, 13)}


def test_dates_and_minor_versions_are_kept_in_ascii_without_a_newline(tmp_path: Path) -> None:
    odd = dict(CYCLES)
    odd["3.12"] = {"first_release": "2023-10-02\n", "end_of_bugfix": "2025-04\n",
                   "end_of_life": "2028-10\n"}
    odd["３.１１"] = {"first_release": "2022-10-24", "end_of_bugfix": "2024-04", "end_of_life": "2027-10"}
    odd["3.9"] = {"first_release": "2020-10-05", "end_of_bugfix": "2022-05", "end_of_life": "２０２５-１０"}
    (tmp_path / "release-cycle.json").write_text(json.dumps(odd), encoding="utf-8")
    cycles = load_cycles(tmp_path)
    assert "３.１１" not in cycles and "3.9" not in parse_cycles(json.dumps(odd).encode())
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


# Entry names as a hostile file may spell a line (another script's digits, leading zeros, a
# final newline, the same line twice) and dates that pass or fail the checks.
_NAMES = st.sampled_from(["3.11", "3.12", "3.13", "03.12", "3.012", "３.１２", "3.12\n", "3.x", "4.0",
                          "2.7", "3.9", "3.10", "3.14", "3.15"])
_DATES = st.sampled_from(["2020-10-05", "2021-10", "2023-02-29", "2024-02-29", "2028-10\n",
                          "２０２５-０４", "2030-13", "1999-01-01", None, 7])
_ENTRY = st.one_of(st.fixed_dictionaries({"first_release": _DATES, "end_of_life": _DATES},
                                         optional={"end_of_bugfix": _DATES}), st.just([]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(embedded=st.lists(st.tuples(_NAMES, _ENTRY), max_size=12),
       kept=st.one_of(st.none(), st.lists(st.tuples(_NAMES, _ENTRY), max_size=12)),
       lines=st.sets(st.sampled_from(["3.11", "3.12", "3.13", "2.7", "3.9", "4.0"])))
def test_the_lines_of_an_install_are_what_the_whole_table_has(tmp_path: Path, monkeypatch, embedded,
                                                             kept, lines) -> None:
    # An install's end-of-life note checks only its builds' lines (core/support.load_cycles):
    # each must come out as the whole table, embedded and kept copy, has it.
    embedded_file = tmp_path / "embedded.json"
    embedded_file.write_text(json.dumps(dict(embedded)), encoding="utf-8")
    monkeypatch.setattr(support, "_EMBEDDED", embedded_file)
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    (state / "release-cycle.json").unlink(missing_ok=True)
    if kept is not None:
        (state / "release-cycle.json").write_text(json.dumps(dict(kept)), encoding="utf-8")
    whole = load_cycles(state)
    assert load_cycles(state, lines) == {line: cycle for line, cycle in whole.items() if line in lines}

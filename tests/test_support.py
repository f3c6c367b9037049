"""Support status: phases from release-cycle dates on each side of each boundary, the embedded
data, a refresh from the loopback server (and refusals), a hostile kept copy, and the EOL warning."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core import support
from pytui.core.support import Cycle, SupportTable, load_cycles, parse_cycles, phase_of

D = dt.date


@pytest.mark.parametrize(("today", "phase", "text"), [
    (D(2023, 10, 1), "pre-release", "pre-release → 2023-10"),
    (D(2023, 10, 2), "bugfix", "bugfix → 2025-04"),
    (D(2025, 4, 7), "bugfix", "bugfix → 2025-04"),
    (D(2025, 4, 8), "security", "security → 2028-10"),
    (D(2028, 9, 30), "security", "security → 2028-10"),
    (D(2028, 10, 1), "end-of-life", "EOL 2028-10"),   # a month counts from its first day
    (D(2040, 1, 1), "end-of-life", "EOL 2028-10"),
])
def test_phase_each_side_of_each_boundary(today: dt.date, phase: str, text: str) -> None:
    cycle = Cycle("3.12", "2023-10-02", "2025-04-08", "2028-10")
    status = phase_of(cycle, today)
    assert (status.phase, status.text()) == (phase, text)


def test_embedded_dates_cover_2_7_and_3_6_to_3_15_and_are_consistent() -> None:
    cycles = load_cycles()
    assert set(cycles) == {"2.7", *(f"3.{m}" for m in range(6, 16))}
    table = SupportTable(cycles, today=D(2026, 11, 30))
    assert table.for_minor(3, 15).phase == "bugfix"
    assert table.for_minor(3, 13).text() == "security → 2029-10"
    assert table.for_minor(3, 10).text() == "EOL 2026-10"
    assert table.for_minor(2, 7).phase == "end-of-life"
    assert table.for_minor(3, 99) is None


@pytest.mark.parametrize("bad", [
    {"first_release": "2023-13-01", "end_of_life": "2028-10"},
    {"first_release": "2023-10-02", "end_of_life": "2020-10"},
    {"first_release": "2023-10-02", "end_of_bugfix": "2030-01", "end_of_life": "2028-10"},
    {"first_release": 2023, "end_of_life": "2028-10"},
    "3.12",
])
def test_unusable_entries_are_left_out(bad: object) -> None:
    data = json.dumps({"3.12": bad, "3.11": {"first_release": "2022-10-24", "end_of_life": "2027-10"}})
    cycles = parse_cycles(data.encode())
    assert list(cycles) == ["3.11"]
    # No end of bugfix given: first release + 18 months before 3.13, + 24 from 3.13 on.
    assert cycles["3.11"].end_of_bugfix == "2024-04"
    assert parse_cycles(b'{"3.13": {"first_release": "2024-10-07", "end_of_life": "2029-10"}}'
                        )["3.13"].end_of_bugfix == "2026-10"


def devguide_doc() -> dict:
    """The devguide's shape (extra fields such as branch, pep, status are ignored)."""
    return {m: {"branch": m, "pep": 1, "status": "bugfix", "first_release": f"20{10 + i}-10-01",
                "end_of_life": f"20{15 + i}-10", "release_manager": "x"}
            for i, m in enumerate(["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"])}


def test_refresh_keeps_a_valid_copy_and_refuses_bad_ones(pytui: Pytui, tmp_path: Path) -> None:
    from pytui.core.settings import Settings

    state = Path(os.environ["XDG_STATE_HOME"]) / "pytui"
    good = tmp_path / "good.json"
    good.write_text(json.dumps(devguide_doc()))
    url = pytui.server.add_file("/release-cycle.json", good)
    settings = Settings.resolve(env={**os.environ, "PYTUI_RELEASE_CYCLE_URL": url})
    assert support.refresh(settings) is None
    kept = load_cycles(state)
    assert kept["3.12"].first_release == "2014-10-01" and kept["3.12"].end_of_life == "2019-10"
    assert kept["3.15"].first_release == "2026-10-01"  # embedded ones not in the fetched file stay
    before = (state / support.STATE_FILE).read_bytes()
    for name, body in [("/small.json", b'{"3.12": {"first_release": "2023-10-02", "end_of_life": "2028-10"}}'),
                       ("/bad.json", b"<html>"), ("/big.json", b" " * (support.MAX_BYTES + 1))]:
        path = tmp_path / name.strip("/")
        path.write_bytes(body)
        bad = Settings.resolve(env={**os.environ, "PYTUI_RELEASE_CYCLE_URL": pytui.server.add_file(name, path)})
        problem = support.refresh(bad)
        assert problem is not None and problem.startswith("refused the Python release cycle from")
        assert (state / support.STATE_FILE).read_bytes() == before
    # A custom catalog URL without a release-cycle URL contacts no other host; offline opens nothing.
    quiet = Settings.resolve(env={**os.environ, "PYTUI_CATALOG_URL": url})
    assert support.release_cycle_url(quiet.env, False) is None and support.refresh(quiet) is None
    assert support.refresh(Settings.resolve(offline=True, env={**os.environ, "PYTUI_RELEASE_CYCLE_URL": url})) is None


@pytest.mark.parametrize("garbage", [b"", b"[]", b"{", json.dumps({"3.12": {"first_release": "x"}}).encode(),
                                     json.dumps({f"3.{i}": {"first_release": "2020-01-01", "end_of_life": "2019-01"}
                                                 for i in range(10)}).encode()])
def test_a_hostile_kept_copy_is_ignored(tmp_path: Path, garbage: bytes) -> None:
    (tmp_path / support.STATE_FILE).write_bytes(garbage)
    assert load_cycles(tmp_path) == load_cycles()


def test_list_shows_support_and_installing_an_eol_version_warns_once(pytui: Pytui) -> None:
    made = pytui.add("3.8.20")
    pytui.add("3.8.19")
    rows = json.loads(pytui.run("list", "--json", "3.8").stdout)
    assert list(rows[0])[-1] == "support"
    assert rows[0]["support"] == {"phase": "end-of-life", "until": None, "first_release": "2019-10-14",
                                  "end_of_bugfix": "2021-05-03", "end_of_life": "2024-10-07"}
    text = pytui.run("list", "--support", "3.8")
    assert text.stdout.rstrip().endswith("<download available>    EOL 2024-10"), str(text)
    assert "EOL" not in pytui.run("list", "3.8").stdout  # a pipe gets uv's format unless asked
    installed = pytui.run("install", "3.8")
    assert installed.returncode == 0, str(installed)
    warnings = [line for line in installed.stderr.splitlines() if "end of life" in line]
    assert warnings == [f"warning: Python 3.8 reached its end of life in 2024-10 and gets no security fixes; "
                        f"{made.build.key} was installed anyway"]
    assert installed.stderr.index(f" + {made.build.key}") < installed.stderr.index("end of life")
    assert (pytui.root / made.build.key).is_dir()
    # An install that fails says nothing of installing anyway.
    failed = pytui.run("install", "3.8.19", UV_OFFLINE="1")
    assert failed.returncode == 1 and "end of life" not in failed.stderr, str(failed)


@pytest.mark.parametrize(("mode", "mode_args"), [("endless", {}), ("gzip_bomb", {"inflated": 64 << 20})])
def test_a_refresh_never_reads_more_than_its_bound(pytui: Pytui, tmp_path: Path, mode: str,
                                                   mode_args: dict) -> None:
    """A server that never ends its body, or a gzip body that inflates past the bound: refused
    in one line once MAX_BYTES is passed, with the kept copy unchanged."""
    from pytui.core.settings import Settings

    state = Path(os.environ["XDG_STATE_HOME"]) / "pytui"
    state.mkdir(parents=True, exist_ok=True)
    (state / support.STATE_FILE).write_text(json.dumps(devguide_doc()))
    before = (state / support.STATE_FILE).read_bytes()
    url = pytui.server.add(f"/{mode}.json", json.dumps(devguide_doc()).encode(), mode=mode,
                           mode_args=mode_args)
    problem = support.refresh(Settings.resolve(env={**os.environ, "PYTUI_RELEASE_CYCLE_URL": url}))
    assert problem is not None and problem.startswith("refused the Python release cycle from")
    assert "\n" not in problem and "more than" in problem
    assert (state / support.STATE_FILE).read_bytes() == before


def test_a_refresh_that_cannot_keep_the_file_says_so_in_one_line(pytui: Pytui, tmp_path: Path) -> None:
    from pytui.core.settings import Settings

    state = Path(os.environ["XDG_STATE_HOME"]) / "pytui"
    (state / support.STATE_FILE).mkdir(parents=True)  # not a file pytui can replace
    good = tmp_path / "good.json"
    good.write_text(json.dumps(devguide_doc()))
    url = pytui.server.add_file("/release-cycle.json", good)
    problem = support.refresh(Settings.resolve(env={**os.environ, "PYTUI_RELEASE_CYCLE_URL": url}))
    assert problem is not None and "\n" not in problem
    assert problem.startswith("could not keep the Python release cycle") and str(state) in problem
    assert (state / support.STATE_FILE).is_dir()


@pytest.mark.parametrize("location", ["http://[::1/x", "http://127.0.0.1:1/x", "javascript:alert(1)"],
                         ids=["malformed", "refused", "javascript"])
def test_list_refresh_says_why_the_release_cycle_was_not_fetched(pytui: Pytui, location: str) -> None:
    """A release-cycle server that redirects to a malformed URL (or one that refuses): the warning
    named only the exception type (`(RemoteProtocolError)`). It is now one line with the
    thing, the cause as download failures word it (core/errors.describe_error) and the next step."""
    from fixtures_archives import write_uv_catalog

    catalog = write_uv_catalog(pytui.tmp / "served.json", [pytui.make("3.12.8").build])
    catalog_url = pytui.server.add_file("/catalog.json", catalog)
    cycle_url = pytui.server.add("/release-cycle.json", b"", mode="redirect",
                                 mode_args={"location": location})
    state = Path(os.environ["XDG_STATE_HOME"]) / "pytui"
    result = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=catalog_url,
                       PYTUI_RELEASE_CYCLE_URL=cycle_url, UV_PYTHON_DOWNLOADS_JSON_URL="")
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    warnings = [line for line in result.stderr.splitlines() if "release cycle" in line]
    assert len(warnings) == 1, str(result)
    line = warnings[0]
    assert line.startswith(f"warning: could not refresh the Python release cycle from {cycle_url} ("), line
    cause = line[line.index(" (") + 2:line.index("); ")]
    # The cause's text, not its type alone (`Type: text`, or a refusal's sentence).
    assert not cause.isidentifier() and len(cause.split()) > 1, line
    assert line.endswith("; kept the dates pytui has; check PYTUI_RELEASE_CYCLE_URL, or unset it to "
                         "use the Python devguide's file"), line
    assert not (state / support.STATE_FILE).exists()

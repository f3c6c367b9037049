"""Small CLI wording fixes from a new user's trial: one parser for unsupported requests, the
support column at one place on every `list` line, an unreadable cache dir said by
`list --only-cached`, where a kept catalog came from, one retry in the singular."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure
from fixtures_http import FaultyHTTPServer
from pytui.core.kept_catalog import refresh_catalog
from pytui.core.settings import Settings


@pytest.mark.parametrize(("request_text", "reason"), [
    ("3.5", "Python <3.6 is not supported but 3.5 was requested."),
    ("3.12t", "Python <3.13 does not support free-threading but 3.12+freethreaded was requested."),
])
def test_install_refuses_what_list_refuses(pytui: Pytui, request_text: str, reason: str) -> None:
    pytui.add("3.12.8")
    before = pytui.state()
    for command in ("list", "install"):
        line = assert_clean_failure(pytui.run(command, request_text), 2)
        assert line == f"error: Invalid version request: {reason}", line
    assert pytui.state() == before


def test_list_json_help_names_every_field_it_adds(pytui: Pytui) -> None:
    """`--json`'s help said `plus build and cached`; the JSON adds support too (af16ec1 fixed
    the README's line, newuser33 found the help's)."""
    pytui.add("3.12.8")
    listed = pytui.run("list", "--json")
    assert listed.returncode == 0, str(listed)
    added = set(json.loads(listed.stdout)[0]) - {
        "arch", "implementation", "key", "libc", "os", "path", "symlink", "url", "variant",
        "version", "version_parts"}  # uv 0.13.9's fields
    said = " ".join(pytui.run("list", "--help").stdout.split())
    assert added == {"build", "cached", "support"}, added
    assert "one line of JSON: uv's fields, plus build, cached and support" in said, said


def test_list_support_column_starts_at_one_place(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.add("3.8.20")
    pytui.call("install", "3.12.8")
    listed = pytui.run("list", "--support")
    assert listed.returncode == 0, str(listed)
    lines = listed.stdout.splitlines()
    assert len(lines) == 2, lines
    starts = {re.search(r"(EOL|security|bugfix|pre-release)", line).start() for line in lines}
    assert len(starts) == 1, lines
    assert any("<download available>" in line for line in lines)


def test_list_support_column_stays_on_the_terminal_past_a_long_archive_path(pytui: Pytui) -> None:
    """A cached archive's path (some 110 characters under ~/.cache) put the one place of the
    support column past the terminal's edge, and every line wrapped: the column is aligned
    among the lines it fits, a longer line has it right after its own path."""
    pytui.add("3.12.8")
    pytui.add("3.11.11")
    cached = pytui.add("3.8.20")
    pytui.call("install", "3.12.8", "3.8.20")
    pytui.call("uninstall", "3.8")  # its archive stays in the cache
    listed = pytui.run("list", "--support", COLUMNS="110")
    assert listed.returncode == 0, str(listed)
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    long_line = lines[cached.build.key]
    assert long_line.endswith(f"{cached.build.cache_filename}    EOL 2024-10"), long_line
    assert len(long_line) > 110
    fitting = [line for key, line in lines.items() if key != cached.build.key]
    assert len(fitting) == 2 and all(len(line) <= 110 for line in fitting), fitting
    starts = {re.search(r"(security|bugfix)", line).start() for line in fitting}
    assert len(starts) == 1, fitting
    # A pipe with no width keeps the one place on every line.
    piped = pytui.run("list", "--support").stdout.splitlines()
    assert len({re.search(r"(EOL|security|bugfix)", line).start() for line in piped}) == 1, piped


def test_list_support_status_is_never_split_by_the_terminals_wrap(pytui: Pytui) -> None:
    """At 80 columns a cached archive's path wraps (as uv's long paths do), and the status
    after it was cut by the wrap: `security → 2028-1` on one row, `0` on the next. A status
    that would straddle the terminal's edge starts on the next row instead, under the
    location column; one that fits where it is stays right after its path."""
    pytui.add("3.12.8")
    cached = pytui.add("3.8.20")
    pytui.call("install", "3.8.20")
    pytui.call("uninstall", "3.8")  # its archive stays in the cache: a ~110-character path
    for columns in range(60, 121, 2):
        listed = pytui.run("list", "--support", COLUMNS=str(columns))
        assert listed.returncode == 0, str(listed)
        line = next(line for line in listed.stdout.splitlines() if line.startswith(cached.build.key))
        status = line.index("EOL 2024-10")
        rows = [line[at:at + columns] for at in range(0, len(line), columns)]
        assert any("EOL 2024-10" in row for row in rows), (columns, rows)
        assert line.rstrip() == line, line
        if status % columns != 0 and not line.endswith(f"{cached.build.cache_filename}    EOL 2024-10"):
            # Moved to the next row: under the location column.
            assert status % columns == len(cached.build.key) + 4, (columns, rows)


def test_only_cached_with_a_cache_dir_that_is_a_file_says_so(pytui: Pytui, tmp_path: Path) -> None:
    pytui.add("3.12.8")
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("x")
    line = assert_clean_failure(pytui.run("--cache-dir", str(not_a_dir), "list", "--only-cached"))
    assert str(not_a_dir) in line and "not a directory" in line, line


def test_a_failed_refresh_from_another_url_names_where_the_kept_catalog_came_from(
        tmp_path: Path, http_server: FaultyHTTPServer, uv_catalog_path: Path) -> None:
    body = uv_catalog_path.read_bytes()
    first = http_server.add("/first.json", body)
    env = {"PYTUI_STATE_DIR": str(tmp_path / "state"), "PYTUI_CATALOG_URL": first,
           "HOME": str(tmp_path)}
    assert refresh_catalog(Settings.resolve(env=env)).changed
    other = http_server.add("/other.json", b"", fail=99, fail_status=500)
    result = refresh_catalog(Settings.resolve(env={**env, "PYTUI_CATALOG_URL": other}))
    assert not result.ok
    assert f"kept the catalog fetched just now from {first}" in result.message, result.message
    # The same URL failing: where it came from goes without saying.
    http_server.add("/first.json", b"", fail=99, fail_status=500)
    again = refresh_catalog(Settings.resolve(env=env))
    assert not again.ok and again.message.endswith("; kept the catalog fetched just now"), again.message

"""Numbers read from outside are read as uv reads them: ASCII digits only. Python's int(), `\\d`,
`str.isdigit` and `isdecimal` also take other scripts' digits (fullwidth `１`, Arabic-Indic
`٣`), int() and float() `1_2`, ` 12 ` and `+12`, and int() raises past 4300 digits. Each case
here runs the real CLI: a cache file whose name has a fullwidth digit names no build, and a bad
number in an environment variable is one line naming it."""

from __future__ import annotations

import json

import pytest
from archive_builds import write_uv_catalog
from cli_harness import Pytui, assert_clean_failure

TAIL = "-x86_64-unknown-linux-gnu-install_only.tar.gz"
PLAIN = f"none-cpython-3.12.8-20250115{TAIL}"
FULLWIDTH = f"none-cpython-3.\uff112.8-20250115{TAIL}"  # 3.１2.8: uv reads no version there
SUPERSCRIPT = f"none-cpython-3.12.8+\u00b2{TAIL}"  # isdigit() says yes, int() refuses it


@pytest.fixture
def pytui(pytui: Pytui) -> Pytui:
    """The isolated pytui of conftest, with a catalog of no builds (none is downloaded here)."""
    write_uv_catalog(pytui.catalog, [])
    return pytui


def _cache_with(pytui: Pytui, *names: str) -> None:
    pytui.cache.mkdir(parents=True, exist_ok=True)
    for name in names:
        (pytui.cache / name).write_bytes(b"not read by list")


def test_a_cache_file_with_a_fullwidth_digit_names_no_build(pytui: Pytui) -> None:
    _cache_with(pytui, PLAIN, FULLWIDTH)
    listed = pytui.run("--offline", "cache", "list", "--json")
    assert listed.returncode == 0, str(listed)
    by_file = {entry["file"]: entry for entry in json.loads(listed.stdout)}
    assert by_file[PLAIN]["key"] == "cpython-3.12.8-linux-x86_64-gnu"
    assert (by_file[FULLWIDTH]["key"], by_file[FULLWIDTH]["version"]) == (None, None)
    rows = pytui.run("--offline", "cache", "list")
    assert rows.returncode == 0 and "Traceback" not in rows.stderr, str(rows)
    row = next(line for line in rows.stdout.splitlines() if line.endswith(FULLWIDTH))
    assert row.startswith("unknown build "), row


def test_a_superscript_build_is_no_number_and_no_traceback(pytui: Pytui) -> None:
    """`pytui cache purge --superseded` ranked builds with int(), which refuses the `²` that
    isdigit() takes: a traceback."""
    _cache_with(pytui, PLAIN, SUPERSCRIPT)
    before = pytui.state()
    for argv in (("cache", "purge", "--superseded", "--dry-run"), ("cache", "list")):
        result = pytui.run("--offline", *argv)
        assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    assert pytui.state() == before


@pytest.mark.parametrize(("name", "value"), [
    ("UV_HTTP_TIMEOUT", "\uff11\uff12"), ("UV_HTTP_TIMEOUT", "\u0661\u0662"), ("UV_HTTP_TIMEOUT", "1_2"),
    ("UV_HTTP_TIMEOUT", " 12 "), ("UV_HTTP_TIMEOUT", "-0"), ("UV_HTTP_TIMEOUT", "9" * 400),
    ("UV_HTTP_RETRIES", "1" * 5000), ("UV_LOCK_TIMEOUT", "\uff13"),
    ("PYTUI_MAX_ARCHIVE_BYTES", "\uff11\uff12"), ("PYTUI_MAX_ARCHIVE_BYTES", " 12 "),
    ("PYTUI_MAX_ARCHIVE_BYTES", "1_000"), ("PYTUI_MAX_ARCHIVE_BYTES", "9" * 5000),
    ("PYTUI_HTTP_SPEED_LIMIT", "-0"), ("PYTUI_HTTP_SPEED_TIME", "\uff11\uff12"),
    ("PYTUI_HTTP_SPEED_TIME", "1_2"), ("PYTUI_HTTP_SPEED_TIME", " 12"), ("PYTUI_HTTP_SPEED_TIME", "9" * 400),
    ("PYTUI_HTTP_BACKOFF", "\u0663"), ("PYTUI_SCAN_BUDGET", "\uff11\uff12"), ("PYTUI_SCAN_BUDGET", "1_0"),
])
def test_a_number_uv_would_refuse_is_one_line_naming_the_variable(pytui: Pytui, name: str,
                                                                  value: str) -> None:
    result = pytui.run("--offline", "envs" if name == "PYTUI_SCAN_BUDGET" else "list", **{name: value})
    line = assert_clean_failure(result, 2)
    assert name in line and (value.strip() or value)[:20] in line, line


@pytest.mark.parametrize(("name", "value"), [
    ("UV_HTTP_TIMEOUT", "+12"), ("UV_HTTP_RETRIES", "007"), ("PYTUI_MAX_ARCHIVE_BYTES", "+5000000000"),
    ("PYTUI_HTTP_SPEED_TIME", "2.5"), ("PYTUI_SCAN_BUDGET", "1e1"),
])
def test_a_number_uv_reads_is_read(pytui: Pytui, name: str, value: str) -> None:
    """Rust's integers take a leading `+` and leading zeros, its floats `.5` and `1e1`."""
    result = pytui.run("--offline", "envs" if name == "PYTUI_SCAN_BUDGET" else "list", **{name: value})
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)


def test_a_temp_whose_pid_is_no_ascii_number_is_a_dead_writers(pytui: Pytui) -> None:
    """A store's temp `.<entry>.<pid>.tmp` in the parsed-catalog dir: `.x.json.².tmp` made the
    next store (every `pytui list` after a catalog change) end in a traceback, as int() refuses
    the `²` isdigit() takes; a fullwidth `１２` was read as pid 12."""
    import os
    from pathlib import Path

    pytui.add("3.12.8")
    assert pytui.run("list").returncode == 0
    parsed = Path(os.environ["XDG_STATE_HOME"]) / "pytui" / "parsed"
    odd = [f".x.json.{pid}.tmp" for pid in ("\u00b2", "\uff11\uff12", "9" * 200, "+12", "1_2")]
    for name in odd:
        (parsed / name).write_bytes(b"left by nobody")
    pytui.add("3.11.9")  # a changed catalog: the next list stores a new entry, then tidies
    again = pytui.run("list")
    assert again.returncode == 0 and "Traceback" not in again.stderr, str(again)
    assert not set(odd) & set(os.listdir(parsed))


def test_a_catalog_number_of_thousands_of_digits_is_one_line(pytui: Pytui) -> None:
    """json.loads raises on a number of 4300+ digits with Python's own remedy
    (`use sys.set_int_max_str_digits()`); the line names the catalog and what to do."""
    pytui.catalog.write_text('{"cpython-3.12.8-linux-x86_64-gnu": {"major": ' + "3" * 5000 + "}}")
    result = pytui.run("--offline", "list")
    line = assert_clean_failure(result, 1)
    assert str(pytui.catalog) in line and "a number of more than 4300 digits" in line, line
    assert "sys." not in line and "3333" not in line, line


def test_columns_of_other_digits_is_no_width(pytui: Pytui) -> None:
    """COLUMNS=２０ was read as 20 columns by int(); it is no number, so help is as wide as with
    no COLUMNS at all."""
    narrow = pytui.run("--help", COLUMNS="20")
    odd = pytui.run("--help", COLUMNS="\uff12\uff10")
    default = pytui.run("--help", COLUMNS="")
    assert odd.returncode == 0 and odd.stdout == default.stdout != narrow.stdout, str(odd)


def test_an_install_dir_with_a_fullwidth_digit_is_no_install(pytui: Pytui) -> None:
    """`cpython-3.１2.8-linux-x86_64-gnu` in the install root was listed (and so could be
    uninstalled) as cpython-3.12.8; uv reads no key in that name and lists nothing."""
    (pytui.root / "cpython-3.\uff112.8-linux-x86_64-gnu" / "bin").mkdir(parents=True)
    listed = pytui.run("--offline", "list", "--only-installed")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, str(listed)
    assert "3.12.8" not in listed.stdout and "\uff11" not in listed.stdout, str(listed)


def test_a_status_code_with_a_superscript_digit_is_one_line(pytui: Pytui) -> None:
    """pytui's own http:// client decodes the status line as latin-1, where `²` is a character
    isdigit() takes and int() refuses: `HTTP/1.1 2²0 OK` ended an install in a traceback."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 2\xb20 OK\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        made = pytui.add("3.12.8")
        # The build's URL, on this server instead of the harness's.
        here = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        pytui.catalog.write_text(pytui.catalog.read_text().replace(made.build.url.rsplit("/", 2)[0] + "/",
                                                                   here))
        result = pytui.run("install", "3.12", UV_HTTP_RETRIES="0")
    finally:
        stop.set()
        thread.join()
        listener.close()
    line = assert_clean_failure(result, 1)
    assert "bad status line" in line and "cpython-3.12.8" in line, line
    assert pytui.trees() == [] and pytui.cached() == []


def test_a_build_file_is_trimmed_as_uv_trims_it(tmp_path) -> None:
    """uv reads BUILD with Rust's `trim()` (Unicode White_Space); Python's `strip()` also took
    U+001C..U+001F, so `20250115\\x1c` was build 20250115 where uv reads another text."""
    from pytui.core.installed import installation_from_dir

    install = tmp_path / "cpython-3.12.8-linux-x86_64-gnu"
    install.mkdir()
    for written, read in (("20250115\n", "20250115"), ("\u3000 20250115\t", "20250115"),
                          ("20250115\x1c", None), ("\uff12\uff10\uff12\uff15\uff10\uff11\uff11\uff15", None)):
        (install / "BUILD").write_text(written, encoding="utf-8")
        found = installation_from_dir(install)
        assert found is not None and found.build == read, (written, found)

"""A catalog server that drips its body is cut by the archives' speed floor
(`PYTUI_HTTP_SPEED_LIMIT` bytes/s over `PYTUI_HTTP_SPEED_TIME` s), not held for the whole-fetch
deadline (300 s) in silence: `pytui list --refresh`, the TUI's refresh and a remote
`--downloads-json` each end in one line naming the URL, the cause and the next step. Against the
tests' real server in its slow-drip mode; the floor is made small through its settings, and the
tests wait for the command (or the refresh) to end, never on time."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Pytui, assert_clean_failure, snapshot
from fixtures_archives import MadeArchive
from pytui.core.sources import refresh_and_reload
from test_catalog import entry, settings_for, uv_json

# 50 bytes/s of a catalog of more than 100 KB: about 40 minutes, far past the 300 s deadline.
DRIP = {"rate": 50}
FLOOR = {"PYTUI_HTTP_SPEED_LIMIT": "1000", "PYTUI_HTTP_SPEED_TIME": "2"}
# One cause, no parentheses of its own: the refresh line puts it in its own.
SAID = "slower than 1000 bytes/s for 2 s, the floor PYTUI_HTTP_SPEED_LIMIT and PYTUI_HTTP_SPEED_TIME set"
# The same floor's other cause: the server's thread, on a machine whose every core is busy,
# can miss the first window before its headers are out (seen at load 10 with a 0.5 s window).
HEAD_SAID = ("did not send its response headers within 2 s, slower than the floor of 1000 bytes/s that "
             "PYTUI_HTTP_SPEED_LIMIT and PYTUI_HTTP_SPEED_TIME set")


def dripped_catalog() -> bytes:
    return uv_json(*(entry(patch=patch) for patch in range(1, 200)), entry(minor=13))


def test_list_refresh_from_a_dripping_server_says_so_and_keeps_the_catalog(pytui: Pytui) -> None:
    url = pytui.server.add("/catalog.json", dripped_catalog(), **DRIP)
    result = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=url,
                       UV_PYTHON_DOWNLOADS_JSON_URL="", **FLOOR)
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    lines = [line for line in result.stderr.splitlines() if "refresh the catalog" in line]
    assert lines in ([f"warning: could not refresh the catalog from {url} ({said}); kept the "
                      "embedded catalog; pytui list --refresh tries again, --offline works from the "
                      "cache, or PYTUI_CATALOG_URL names a reachable catalog"] for said in (SAID, HEAD_SAID)), str(result)


def test_the_tuis_refresh_from_a_dripping_server_ends_in_one_line(tmp_path: Path, http_server) -> None:
    url = http_server.add("/catalog.json", dripped_catalog(), **DRIP)
    outcome = refresh_and_reload(settings_for(tmp_path, catalog_url=url, env=FLOOR))
    assert not outcome.ok and outcome.catalog is None
    assert outcome.message.startswith(tuple(f"could not refresh the catalog from {url} ({said}); "
                                            for said in (SAID, HEAD_SAID))), outcome.message


def test_a_dripping_downloads_json_is_one_line(pytui: Pytui, baseline: MadeArchive) -> None:
    url = pytui.server.add("/c.json", dripped_catalog(), **DRIP)
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("list", "--downloads-json", url, **FLOOR))
    assert line in (f"error: catalog {url} {said}; try again, or point --downloads-json / "
                    "UV_PYTHON_DOWNLOADS_JSON_URL at a local copy (without either, pytui lists its "
                    "own catalog)" for said in (f"is {SAID}", HEAD_SAID)), line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before

"""A catalog server that drips its *headers*, or accepts and sends nothing, is bounded like one
that drips its body: the speed floor (`PYTUI_HTTP_SPEED_LIMIT` bytes/s over
`PYTUI_HTTP_SPEED_TIME` s) counts from the request, so headers not in by the end of its first
window are cut, and the whole fetch (connect, headers, body) must end within its total bound
(`MAX_FETCH_SECONDS`). Before, each header byte only had to beat httpx's per-read timeout (a
byte every 20 s held `pytui list --refresh` for days) and a silent server held it for the whole
UV_HTTP_TIMEOUT. Against the tests' real server; the bounds are made small through the settings
(or the fetch's argument) and the tests wait for the command or the fetch to end, never on
time."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from fixtures_archives import MadeArchive
from pytui.core.catalog_fetch import fetch_catalog
from pytui.core.errors import CatalogFetchError
from pytui.core.http import TransferLimits, make_client
from pytui.core.sources import refresh_and_reload
from test_catalog import entry, settings_for, uv_json

# 2000 header bytes at one per 10 ms: 20 s, each wait far below the read timeout.
DRIP = {"mode": "drip_headers", "mode_args": {"interval": 0.01, "bytes": 2000}}
SILENT = {"mode": "silent"}
FLOOR = {"PYTUI_HTTP_SPEED_LIMIT": "1000", "PYTUI_HTTP_SPEED_TIME": "0.5"}
# A silent server would otherwise be waited for this long (and said as a read timeout).
LONG_READ = {"UV_HTTP_TIMEOUT": "20"}
SAID = ("did not send its response headers within 0.5 s, slower than the floor of 1000 bytes/s "
        "that PYTUI_HTTP_SPEED_LIMIT and PYTUI_HTTP_SPEED_TIME set")
NEXT = ("try again, or point --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL at a local copy "
        "(without either, pytui lists its own catalog)")


def catalog() -> bytes:
    return uv_json(entry(), entry(minor=13))


@pytest.mark.parametrize("faults", [DRIP, SILENT], ids=["dripped-headers", "silent"])
def test_list_refresh_cuts_a_server_slow_with_its_headers(pytui: Pytui, faults: dict) -> None:
    url = pytui.server.add("/catalog.json", catalog(), **faults)
    result = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=url,
                       UV_PYTHON_DOWNLOADS_JSON_URL="", **FLOOR, **LONG_READ)
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    lines = [line for line in result.stderr.splitlines() if "refresh the catalog" in line]
    assert lines == [f"warning: could not refresh the catalog from {url} ({SAID}); kept the "
                     "embedded catalog; pytui list --refresh tries again, --offline works from the "
                     "cache, or PYTUI_CATALOG_URL names a reachable catalog"], str(result)


@pytest.mark.parametrize("faults", [DRIP, SILENT], ids=["dripped-headers", "silent"])
def test_the_tuis_refresh_cuts_a_server_slow_with_its_headers(tmp_path: Path, http_server,
                                                              faults: dict) -> None:
    url = http_server.add("/catalog.json", catalog(), **faults)
    outcome = refresh_and_reload(settings_for(tmp_path, catalog_url=url, env={**FLOOR, **LONG_READ}))
    assert not outcome.ok and outcome.catalog is None
    assert outcome.message.startswith(f"could not refresh the catalog from {url} ({SAID}); "), \
        outcome.message


def test_a_downloads_json_dripping_its_headers_is_one_line(pytui: Pytui, baseline: MadeArchive) -> None:
    url = pytui.server.add("/c.json", catalog(), **DRIP)
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("list", "--downloads-json", url, **FLOOR))
    assert line == f"error: catalog {url} {SAID}; {NEXT}", line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before


@pytest.mark.parametrize("faults", [DRIP, SILENT], ids=["dripped-headers", "silent"])
def test_without_a_floor_the_total_bound_covers_the_headers(http_server, faults: dict) -> None:
    """The floor off (0): the fetch's one total bound still ends a head that never completes."""
    url = http_server.add("/catalog.json", catalog(), **faults)
    limits = TransferLimits.from_env({"PYTUI_HTTP_SPEED_LIMIT": "0", **LONG_READ})
    with make_client(offline=False, env=LONG_READ) as client, \
            pytest.raises(CatalogFetchError) as caught:
        fetch_catalog(client, url, limits=limits, max_seconds=0.5)
    assert str(caught.value) == f"catalog {url} took more than 0.5 s to download; {NEXT}"


def test_a_prompt_server_is_fetched_whole_under_the_bounds(http_server) -> None:
    """The bounds on the head and the total leave a good server alone. The floor's window is
    generous (a loaded machine can keep a prompt server's head past 0.5 s). That no deadline
    thread outlives its fetch, and that a head in as its bound passes is not cut, are
    tests/test_exchange_deadline.py's."""
    body = catalog()
    url = http_server.add("/catalog.json", body)
    with make_client(offline=False) as client:
        fetched = fetch_catalog(client, url, limits=TransferLimits.from_env(
            {"PYTUI_HTTP_SPEED_LIMIT": "1000", "PYTUI_HTTP_SPEED_TIME": "120"}))
    assert (fetched.status, fetched.data) == (200, body)

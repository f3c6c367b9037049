"""The catalog refresh against hostile servers and state: the TUI's background refresh always
ends with one line (and keeps the release-cycle dates), a bad kept copy or meta file is
discarded and fetched whole, a FIFO in place of a state file never blocks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pytui.core.kept_catalog import KEPT_CATALOG, KEPT_META, load_kept_catalog
from pytui.core.sources import load_catalog, refresh_and_reload, refresh_catalog
from test_catalog import entry, settings_for, uv_json

OTHER = "cpython-3.13.8-linux-x86_64-gnu"


# -- the TUI's background refresh ----------------------------------------------------------------


def test_refresh_and_reload_always_ends_with_one_line(tmp_path: Path, http_server) -> None:
    url = http_server.add("/meta.json", uv_json(entry(), entry(minor=13)),
                          mode="wrong_types_catalog", mode_args={"field": "url", "value": 5})
    settings = settings_for(tmp_path, catalog_url=url)
    outcome = refresh_and_reload(settings)
    assert outcome.ok and outcome.catalog is not None and outcome.catalog.get(OTHER) is not None
    assert outcome.warning and "url is 5" in outcome.warning
    # A server answering garbage, a missing one, a bad custom source: ok False, one line.
    http_server.add("/garbage.json", b"\x00not json")
    for settings in (settings_for(tmp_path, catalog_url=http_server.url("/garbage.json")),
                     settings_for(tmp_path, catalog_url="http://127.0.0.1:9/none.json"),
                     settings_for(tmp_path, downloads_json=str(tmp_path / "missing.json"))):
        outcome = refresh_and_reload(settings)
        assert not outcome.ok and outcome.catalog is None and "\n" not in outcome.message


# -- a bad kept copy is discarded and rebuilt, never revalidated -----------------------------------


def test_a_corrupt_kept_catalog_is_discarded_and_fetched_whole(tmp_path: Path, http_server) -> None:
    url = http_server.add("/meta.json", uv_json(entry(), entry(minor=13)))
    settings = settings_for(tmp_path, catalog_url=url)
    assert refresh_catalog(settings).changed
    kept, meta = settings.state_dir / KEPT_CATALOG, settings.state_dir / KEPT_META
    etag = json.loads(meta.read_text())["etag"]
    assert etag
    kept.write_bytes(b"{garbage")  # the ETag still matches the server's
    catalog = load_catalog(settings)
    assert len(catalog) > 0  # the embedded catalog, no error
    assert not kept.exists() and not meta.exists()  # discarded
    # Said once, in one line (it was silent: the list shrank to the embedded one unexplained).
    warning = catalog.warning or ""
    assert warning.startswith(f"ignored the kept catalog {kept}: ") and "\n" not in warning, warning
    assert warning.endswith("; the built-in list is shown until a refresh fetches it again "
                            "(pytui list --refresh, r in the TUI)"), warning
    assert load_catalog(settings).warning is None
    http_server.clear_requests()
    result = refresh_catalog(settings)
    assert result.ok and result.changed  # fetched whole: not stuck on a 304 for a bad copy
    assert "If-None-Match" not in http_server.requests_for("/meta.json")[0].headers
    assert load_kept_catalog(settings.state_dir).get(OTHER) is not None


@pytest.mark.parametrize("meta_text", [
    '{"url": 5, "etag": ["x"], "fetched_at": "soon", "builds": -1}',
    '{"etag": "\\r\\nX-Injected: 1", "fetched_at": 1e400}', "[1, 2]", "{", "\x00" * 10,
])
def test_a_bad_meta_file_is_ignored_and_rewritten(tmp_path: Path, http_server, meta_text) -> None:
    url = http_server.add("/meta.json", uv_json(entry()))
    settings = settings_for(tmp_path, catalog_url=url)
    assert refresh_catalog(settings).changed
    meta = settings.state_dir / KEPT_META
    meta.write_text(meta_text)
    assert load_kept_catalog(settings.state_dir) is not None
    result = refresh_catalog(settings)
    assert result.ok and "\n" not in result.message
    assert json.loads(meta.read_text())["url"] == url


def test_a_fifo_in_place_of_state_files_never_blocks(tmp_path: Path, http_server) -> None:
    url = http_server.add("/meta.json", uv_json(entry()))
    settings = settings_for(tmp_path, catalog_url=url)
    settings.state_dir.mkdir(parents=True)
    os.mkfifo(settings.state_dir / KEPT_CATALOG)
    os.mkfifo(settings.state_dir / KEPT_META)
    assert (load_catalog(settings).warning or "").startswith(
        f"ignored the kept catalog {settings.state_dir / KEPT_CATALOG}: a FIFO, not a regular file; ")
    assert load_kept_catalog(settings.state_dir) is None
    result = refresh_catalog(settings)
    assert result.ok and result.changed and load_kept_catalog(settings.state_dir) is not None



def test_the_tuis_refresh_also_keeps_the_release_cycle(tmp_path: Path, http_server) -> None:
    from pytui.core import support

    catalog_url = http_server.add("/meta.json", uv_json(entry(), entry(minor=13)))
    cycle = {"3.12": {"first_release": "2023-10-02", "end_of_life": "2028-10"},
             **{f"3.{m}": {"first_release": f"20{10 + m}-10-01", "end_of_life": f"20{15 + m}-10"}
                for m in range(8, 12)}}
    cycle_url = http_server.add("/release-cycle.json", json.dumps(cycle).encode())
    settings = settings_for(tmp_path, catalog_url=catalog_url,
                            env={"PYTUI_RELEASE_CYCLE_URL": cycle_url})
    outcome = refresh_and_reload(settings)
    assert outcome.ok and "release cycle" not in outcome.message
    assert support.load_cycles(settings.state_dir)["3.9"].end_of_life == "2024-10"
    # A release-cycle server that answers garbage: the catalog refresh still worked, the kept
    # dates stay, and the one line says both.
    kept = (settings.state_dir / support.STATE_FILE).read_bytes()
    bad_url = http_server.add("/bad-cycle.json", b"<html>")
    outcome = refresh_and_reload(settings_for(tmp_path, catalog_url=catalog_url,
                                              env={"PYTUI_RELEASE_CYCLE_URL": bad_url}))
    assert outcome.ok and "refused the Python release cycle" in outcome.message
    assert "\n" not in outcome.message
    assert (settings.state_dir / support.STATE_FILE).read_bytes() == kept


@pytest.mark.parametrize("location", ["http://[::1/x", "http://127.0.0.1:1/x"], ids=["malformed", "refused"])
def test_list_refresh_that_fetched_nothing_says_what_to_do(pytui, location: str) -> None:
    """`pytui list --refresh` against a catalog URL that redirects to a malformed URL (or to a
    port that refuses): the line said what was kept and stopped there; the TUI's version of
    it ends with the next step, now the CLI's does too (with the CLI's own words); a
    `warning:` line, as the release cycle's below it."""
    url = pytui.server.add("/catalog.json", b"", mode="redirect", mode_args={"location": location})
    result = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=url,
                       UV_PYTHON_DOWNLOADS_JSON_URL="")
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    lines = [line for line in result.stderr.splitlines() if "refresh the catalog" in line]
    assert len(lines) == 1, str(result)
    assert lines[0].startswith(f"warning: could not refresh the catalog from {url} ("), lines[0]
    assert lines[0].endswith("; kept the embedded catalog; pytui list --refresh tries again, "
                             "--offline works from the cache, or PYTUI_CATALOG_URL names a "
                             "reachable catalog"), lines[0]


def test_a_state_dir_that_cannot_hold_a_kept_catalog_is_no_discarded_one(tmp_path: Path) -> None:
    """A state dir under a file (or a name too long) holds no kept catalog: nothing was
    discarded, so nothing is said of one (the state dir's own trouble is said where it is written)."""
    (tmp_path / "file").write_text("")
    for state in (tmp_path / "file" / "state", tmp_path / ("s" * 300)):
        settings = settings_for(tmp_path, catalog_url="http://127.0.0.1:9/c.json")
        settings = settings.replace(state_dir=state)
        assert load_catalog(settings).warning is None


def test_list_refresh_names_a_url_with_escapes_escaped(pytui) -> None:
    """PYTUI_CATALOG_URL / PYTUI_RELEASE_CYCLE_URL holding an escape sequence: the refresh
    lines wrote it raw to stderr (a terminal title set, or worse, by an environment value);
    they are escaped as every other line naming outside text (app/safe_text.shown)."""
    evil = "http://127.0.0.1:9/\x1b]0;pwned\x07c.json"
    result = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=evil,
                       PYTUI_RELEASE_CYCLE_URL=evil, UV_PYTHON_DOWNLOADS_JSON_URL="")
    assert result.returncode == 0, str(result)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr, repr(result.stderr)
    assert result.stderr.count("http://127.0.0.1:9/\\x1b]0;pwned\\x07c.json") == 2, result.stderr


def test_a_discarded_kept_catalog_is_named_escaped(pytui, tmp_path: Path) -> None:
    state = tmp_path / "st\x1b]0;pwned\x07"
    state.mkdir()
    os.mkfifo(state / KEPT_CATALOG)
    result = pytui.run("list", "--only-downloads", PYTUI_STATE_DIR=str(state),
                       UV_PYTHON_DOWNLOADS_JSON_URL="")
    assert result.returncode == 0 and "\x1b" not in result.stderr, repr(result.stderr)
    assert "st\\x1b]0;pwned\\x07/catalog.json: a FIFO" in result.stderr, result.stderr


def test_no_network_says_which_host_did_not_resolve(tmp_path: Path, monkeypatch) -> None:
    # The refresh's line (History, the toast, `list --refresh`) said
    # `ConnectError: [Errno -2] Name or service not known` on a machine with no network.
    import socket

    from pytui.core.errors import CatalogError

    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    for url in ("https://catalog.example/meta.json", "http://catalog.example/meta.json"):
        result = refresh_catalog(settings_for(tmp_path, catalog_url=url))
        assert not result.ok
        assert result.message == (f"could not refresh the catalog from {url} (cannot look up "
                                  "catalog.example (no network, or no DNS)); kept the embedded "
                                  "catalog"), result.message
    with pytest.raises(CatalogError) as err:
        load_catalog(settings_for(tmp_path, downloads_json="https://custom.example/c.json"))
    assert "(cannot look up custom.example (no network, or no DNS)); check the URL" in \
        str(err.value), str(err.value)


def test_a_catalog_redirected_to_a_name_that_does_not_resolve_names_that_host(
        http_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a redirect, the line named the first host (`cannot look up 127.0.0.1`), which had
    answered, not the one that did not resolve. The redirect's lookup fails here without a
    resolver (a small double: no query leaves the machine)."""
    import socket

    from pytui.core.errors import CatalogError

    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if host == "unresolvable.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    url = http_server.add("/c.json", b"", mode="redirect", mode_args={"location": "http://unresolvable.test/c.json"})
    with pytest.raises(CatalogError) as err:
        load_catalog(settings_for(tmp_path, downloads_json=url))
    assert "(cannot look up unresolvable.test (no network, or no DNS))" in str(err.value), str(err.value)
    result = refresh_catalog(settings_for(tmp_path, catalog_url=url))
    assert "(cannot look up unresolvable.test (no network, or no DNS))" in result.message, result.message

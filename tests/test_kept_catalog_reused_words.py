"""A remote `--downloads-json` is kept and reused without a request for ten minutes after it was
fetched. A build added to that URL meanwhile was not installable, and `pytui install` said only
`no download found … in catalog URL (kept copy); see pytui list --all-versions`, which lists the
same kept copy: the way out (`pytui list --refresh`) was the user's to guess (found by following
the README with a loopback catalog that gained a build). Now the line says when the copy was
fetched, that it is reused, and what fetches it now; the loopback server serves the catalog.
"""

from __future__ import annotations

from cli_harness import Pytui, assert_clean_failure, key_of


def _serve_catalog(pytui: Pytui) -> str:
    return pytui.server.add("/meta.json", pytui.catalog.read_bytes())


def test_a_request_missing_from_a_reused_kept_copy_names_the_refresh(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    url = _serve_catalog(pytui)
    first = pytui.run("list", "--only-downloads", UV_PYTHON_DOWNLOADS_JSON_URL=url)
    assert first.returncode == 0 and key_of("3.12.8") in first.stdout, first
    pytui.add("3.13.1")
    _serve_catalog(pytui)  # the URL now lists 3.13.1 too

    missing = pytui.run("install", "3.13", UV_PYTHON_DOWNLOADS_JSON_URL=url)
    line = assert_clean_failure(missing, 2)
    assert "(kept copy), fetched just now and reused for ten minutes" in line, line
    assert "`pytui list --refresh` fetches it again now" in line, line
    assert pytui.server.count("/meta.json") == 1  # reused: no request

    refreshed = pytui.run("list", "--refresh", "--only-downloads", UV_PYTHON_DOWNLOADS_JSON_URL=url)
    assert key_of("3.13.1") in refreshed.stdout, refreshed
    done = pytui.run("install", "3.13", UV_PYTHON_DOWNLOADS_JSON_URL=url)
    assert done.returncode == 0, done
    assert (pytui.root / key_of("3.13.1")).is_dir()


def test_a_fetched_or_local_catalog_says_nothing_of_a_refresh(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    local = pytui.run("install", "3.13")
    assert "refresh" not in assert_clean_failure(local, 2)
    url = _serve_catalog(pytui)
    fetched = pytui.run("install", "3.13", UV_PYTHON_DOWNLOADS_JSON_URL=url)  # the first fetch
    assert "refresh" not in assert_clean_failure(fetched, 2)
    offline = pytui.run("install", "3.13", "--offline", UV_PYTHON_DOWNLOADS_JSON_URL=url)
    assert "refresh" not in assert_clean_failure(offline, 2)  # offline, a refresh cannot help

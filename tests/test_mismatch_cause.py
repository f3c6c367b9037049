"""A download whose sha256 does not match says why it may be no archive at all, when the response
said so: a `text/html` body (a Wi-Fi login page, or a proxy's or mirror's error page sent with
200) or a Content-Encoding pytui does not undo (a proxy that gzips what it passes on). The line
said only `sha256 mismatch … (if it persists the mirror or catalog is wrong)`, which sent the
user to the catalog. Against the tests' server; the cache and the installs stay as they were."""

from __future__ import annotations

import pytest
from cli_harness import Pytui, assert_clean_failure, assert_installed, snapshot
from fixtures_archives import MadeArchive

PORTAL = b"<html><body>Please log in to the hotel Wi-Fi</body></html>\n" * 20


@pytest.mark.parametrize("no_cache", [False, True])
def test_a_login_page_in_place_of_the_archive_is_said(pytui: Pytui, baseline: MadeArchive,
                                                      no_cache: bool) -> None:
    served = pytui.add("3.12.8")
    path = served.build.url.split(pytui.server.base_url, 1)[1]
    pytui.server.add(path, PORTAL, content_type="text/html; charset=utf-8")
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12"))
    assert "sha256 mismatch" in line and ("; it came as text/html, not an archive (a login page, or a "
                                          "proxy's or mirror's error page?); ") in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
    # Said once (the stream's line said `nothing was installed` before the job's own).
    assert line.count("nothing was installed") == 1, line


def test_a_body_a_proxy_compressed_is_said(pytui: Pytui, baseline: MadeArchive) -> None:
    served = pytui.add("3.12.8")
    path = served.build.url.split(pytui.server.base_url, 1)[1]
    pytui.server.set_faults(path, mode="gzip_bomb", mode_args={"inflated": 4096})
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert ("; it came with Content-Encoding 'gzip', which pytui does not undo (a proxy that "
            "compresses what it passes on?); ") in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before


def test_an_archive_served_as_octets_says_nothing_more(pytui: Pytui, baseline: MadeArchive) -> None:
    pytui.add("3.12.8", faults={"corrupt": True})
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert "sha256 mismatch" in line and "it came" not in line, line


@pytest.mark.parametrize("no_cache", [False, True], ids=["cached", "streamed"])
def test_a_body_of_no_declared_size_cut_short_is_resumed_at_once(pytui: Pytui, baseline: MadeArchive,
                                                                 no_cache: bool) -> None:
    """Over plain http a body with no Content-Length ends where the connection does, so a cut
    (a FIN) reads as its end and fails the sha256 (over https TLS's close tells them apart:
    tests/test_download_cut_short.py). It failed as a mismatch, the bytes thrown away, and the
    same command then installed; now the bytes are kept and resumed once in the same run (the
    sha256 still decides). `--no-cache` streams the body into the extractor: it failed there
    (the stream ended where the cut was); now the stream resumes under the extractor, which
    reads on, and nothing is cached."""
    served = pytui.add("3.12.8", payload=True, faults={"content_length": False, "cut_at": 50_000})
    path = served.build.url.split(pytui.server.base_url, 1)[1]
    cached = snapshot(pytui.cache)
    done = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12")
    assert done.returncode == 0, str(done)
    assert_installed(pytui, served)
    first, second = pytui.server.requests_for(path)
    assert (first.status, first.fault, second.status, second.range[0]) == (200, "cut", 206, 50_000)
    if no_cache:
        assert snapshot(pytui.cache) == cached


@pytest.mark.parametrize("no_cache", [False, True], ids=["cached", "streamed"])
def test_a_wrong_file_of_no_declared_size_is_said_as_maybe_a_cut(pytui: Pytui, baseline: MadeArchive,
                                                                 no_cache: bool) -> None:
    """A wrong whole file, no Content-Length, over plain http: the resume finds it whole (416),
    and the mismatch is said with what the response was (a cut, or a wrong file?): nothing is
    cached, no `.part` kept, and no clean retry follows (two requests). Streamed, the same."""
    served = pytui.add("3.12.8", payload=True, faults={"content_length": False, "corrupt": True})
    path = served.build.url.split(pytui.server.base_url, 1)[1]
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12"))
    assert ("sha256 mismatch" in line and "; it came with no Content-Length, so a connection cut "
            "short would read as its end (a cut, or a wrong file?); ") in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
    assert [r.status for r in pytui.server.requests_for(path)] == [200, 416]

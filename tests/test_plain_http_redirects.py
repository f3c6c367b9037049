"""core/plain_http: a server's redirect is hostile input. A Location that is no URL
(`http://[::1/x`), a host name no resolver takes, or `javascript:…` (handed to httpx) was a
traceback out of `pytui install`; each is now one error line (not retried). A Location with
a space or a byte past ASCII went into the next request line as is (`GET /a b HTTP/1.1`, which
a server answers 400); it is sent percent-escaped, as httpx sends it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from pytui.core.download import Backoff, Downloader
from pytui.core.download_policy import OTHER_NEXT_STEP, SCHEME_NEXT_STEP
from pytui.core.errors import DownloadError

DATA = os.urandom(3_000) + b"end"
SHA = hashlib.sha256(DATA).hexdigest()
FAST = Backoff(base=0.001, cap=0.01)


@pytest.mark.parametrize(("location", "said"), [
    ("http://[::1/x", "InvalidURL: redirected to a malformed URL 'http://[::1/x'"),
    ("https://[::1/x", "InvalidURL: redirected to a malformed URL 'https://[::1/x'"),
    ("http://" + "a" * 300 + "/x", "InvalidURL: invalid host name 'aaaa"),
    ("javascript:alert(1)", "InvalidURL: "),
], ids=["ipv6", "ipv6-https", "long-label", "javascript"])
def test_a_redirect_to_no_url_is_one_line_and_not_retried(pytui: Pytui, location: str, said: str) -> None:
    made = pytui.add("3.12.8", faults={"mode": "redirect", "mode_args": {"location": location}})
    before = snapshot(pytui.bin)
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert said in line and made.build.key in line, line
    # What to do next ends the line, as for a 404 or an unreachable host (it ended at the cause).
    assert line.endswith(f"; {OTHER_NEXT_STEP}"), line
    # Not transient: no retry round (httpx starts again from the first URL for `javascript:`).
    assert pytui.server.count(made.url_path) == (2 if location.startswith("javascript") else 1)
    assert snapshot(pytui.bin) == before and pytui.cached() == [] and not (pytui.root / made.build.key).exists()


def test_spaces_and_bytes_past_ascii_in_a_location_are_sent_escaped(http_server, tmp_path: Path) -> None:
    http_server.add("/a%20b%E9.tar.gz", DATA)  # the path as a client sends it
    first = http_server.add("/r", b"", mode="redirect", mode_args={"location": "/a b\xe9.tar.gz"})
    with Downloader(backoff=FAST, retries=0) as dl:
        dl.download([first], tmp_path / "a.part", expected_sha256=SHA)
    assert (tmp_path / "a.part").read_bytes() == DATA
    assert http_server.count("/a%20b%E9.tar.gz") == 1
    control = http_server.add("/c", b"", mode="redirect", mode_args={"location": "/x\x00 HTTP/1.1"})
    with Downloader(backoff=FAST, retries=0) as dl, pytest.raises(DownloadError) as err:
        dl.download([control], tmp_path / "b.part", expected_sha256=SHA)
    assert "HTTP 404" in str(err.value)  # one request target, not a broken request line (400)
    assert http_server.count("/x%00%20HTTP/1.1") == 1


@pytest.mark.parametrize("mirror", ["http://[::1", "https://[::1/pbs", "file://[x/pbs"])
def test_a_mirror_that_is_no_url_is_one_line(pytui: Pytui, mirror: str) -> None:
    """`--mirror http://[::1` (or UV_PYTHON_INSTALL_MIRROR): urlsplit's ValueError, raised
    while naming the host the download waits on (or reading a `file://[x` mirror's path), was
    a traceback."""
    from fixtures_archives import write_uv_catalog

    made = pytui.make("3.12.8")  # listed under its GitHub release URL, which a mirror serves
    write_uv_catalog(pytui.catalog, [made.build])
    result = pytui.run("install", "3.12", "--mirror", mirror)
    line = assert_clean_failure(result)
    assert f"{mirror}/" in line and "not a valid URL (Invalid IPv6 URL)" in line, line
    assert line.endswith("; fix the host in the mirror (--mirror / UV_PYTHON_INSTALL_MIRROR) or in "
                         "the catalog's URL") and line.count("--mirror") == 1, line
    assert "--mirror" in line and not (pytui.root / made.build.key).exists()
    assert pytui.server.count() == 0


@pytest.mark.parametrize("mirror", ["ftp://mirror.example", "gopher://x/pbs", "FTP://X"])
def test_a_mirror_of_a_scheme_no_download_reads_says_so(pytui: Pytui, mirror: str) -> None:
    """`--mirror ftp://…` (or UV_PYTHON_INSTALL_MIRROR): the line ended with the HTTP client's
    `UnsupportedProtocol` and 'or try again later', which cannot help; it now says which
    schemes a download reads and to set the mirror to one (uv refuses the scheme too)."""
    from fixtures_archives import write_uv_catalog

    made = pytui.make("3.12.8")
    write_uv_catalog(pytui.catalog, [made.build])
    result = pytui.run("install", "3.12", "--mirror", mirror)
    line = assert_clean_failure(result)
    scheme = mirror.partition(":")[0]
    assert f"{mirror}/" in line and f"not {scheme!r}" in line, line
    assert line.endswith(f"; {SCHEME_NEXT_STEP}") and "try again" not in line, line
    assert "UnsupportedProtocol" not in line and not (pytui.root / made.build.key).exists()
    assert not list(pytui.cache.glob("*.part")) and pytui.server.count() == 0


def test_a_redirect_to_a_host_that_does_not_answer_says_where_it_led(pytui: Pytui) -> None:
    """The line names the URL pytui asked for; a connection refused (or a host no resolver
    knows) at the end of a redirect read as that first host's failure."""
    closed = "http://127.0.0.1:1/elsewhere.tar.gz"  # port 1: nothing listens, no name lookup
    made = pytui.add("3.12.8", faults={"mode": "redirect", "mode_args": {"location": closed}})
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert f"(redirected to {closed})" in line and made.build.key in line, line
    assert not (pytui.root / made.build.key).exists() and pytui.cached() == []


def test_a_redirect_to_a_name_that_does_not_resolve_names_that_host(http_server, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-network line names the host looked up from the URL asked for; after a redirect
    that was the first host (`cannot look up 127.0.0.1`), which had answered. The lookup of the
    redirect's host fails here without a resolver (a small double: no query leaves the machine)."""
    import socket

    from pytui.core import plain_http

    real = socket.create_connection

    def connect(address, *args, **kwargs):
        if address[0] == "unresolvable.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(plain_http.socket, "create_connection", connect)
    first = http_server.add("/r", b"", mode="redirect", mode_args={"location": "http://unresolvable.test/x"})
    with Downloader(backoff=FAST, retries=0) as dl, pytest.raises(DownloadError) as err:
        dl.download([first], tmp_path / "a.part", expected_sha256=SHA)
    line = str(err.value)
    assert "(redirected to http://unresolvable.test/x)" in line, line
    assert "cannot look up 127.0.0.1" not in line, line


@pytest.mark.parametrize("location", [" ", ""], ids=["space", "empty"])
def test_a_redirect_to_a_blank_location_says_the_same_line_from_either_client(
        pytui: Pytui, http_server, tmp_path: Path, location: str) -> None:
    """`Location: " "`: the plain client took it for no redirect ("HTTP 302 Found") and httpx
    for the same URL again ("TooManyRedirects: Exceeded maximum allowed redirects."); one
    check (core/plain_http.redirect_target) and one line now, naming the Location."""
    from pytui.core.http import make_client

    said = "InvalidURL: redirected to no URL (Location: '')"
    made = pytui.add("3.12.8", faults={"mode": "redirect", "mode_args": {"location": location}})
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert f"{made.build.url}: {said}" in line and line.endswith(f"; {OTHER_NEXT_STEP}"), line
    assert pytui.server.count(made.url_path) == 1  # not retried
    # The archive through httpx (as for an https mirror or a proxy): the same cause.
    url = http_server.add("/r", b"", mode="redirect", mode_args={"location": location})
    with Downloader(backoff=FAST, retries=0, client_factory=lambda: make_client(offline=False)) as dl, \
            pytest.raises(DownloadError) as err:
        dl.download([url], tmp_path / "a.part", expected_sha256=SHA)
    assert f"{url}: {said}" in str(err.value), str(err.value)
    assert http_server.count("/r") == 1
    # The catalog, refreshed or named by --downloads-json, through httpx.
    catalog = pytui.server.add("/catalog.json", b"", mode="redirect", mode_args={"location": location})
    refreshed = pytui.run("list", "--refresh", "--only-downloads", PYTUI_CATALOG_URL=catalog,
                          UV_PYTHON_DOWNLOADS_JSON_URL="")
    assert f"could not refresh the catalog from {catalog} ({said})" in refreshed.stderr, str(refreshed)
    named = assert_clean_failure(pytui.run("list", "--only-downloads", "--downloads-json", catalog))
    assert f"{catalog} could not be fetched ({said})" in named, named

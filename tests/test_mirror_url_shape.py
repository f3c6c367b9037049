"""A mirror (`--mirror`) or a catalog URL (`--downloads-json`) that is no URL pytui can request,
said as what is wrong with it, at once, in one line, nothing cached or installed before changed:
`http://` (joined to a build's path: `http:/2025…`) and `file:dir` read `pytui downloads over
http, https and file URLs, not 'http'`; a mirror with no scheme `not 'srv/m/2025…'`; a port past
65535 or not a number was tried four times over ~10 s and said as a refused connection
(`ConnectError: bad port in …` for http); a catalog URL `http://` as httpx's `missing an
'http://' or 'https://' protocol. (redirected to /)`."""

from __future__ import annotations

import pytest
from cli_harness import MadeArchive, Pytui, assert_clean_failure, snapshot
from fixtures_archives import write_uv_catalog
from pytui.core.url_host import port_fault

PBS = "https://github.com/astral-sh/python-build-standalone/releases/download/"


@pytest.fixture
def mirrored(pytui: Pytui, baseline: MadeArchive) -> MadeArchive:
    """3.12.8 in the catalog with GitHub's URL (which a mirror replaces), 3.11.9 installed."""
    made = pytui.make("3.12.8", "20250115")
    assert made.build.url.startswith(PBS)
    write_uv_catalog(pytui.catalog, [*pytui.builds, made.build])
    return made


@pytest.mark.parametrize(("mirror", "says"), [
    ("http://", "cannot be downloaded from http:/20250115/cpython-3.12.8%2B20250115-"),
    ("http://", "it is not an http URL pytui can read, which starts `http://` and a host; "
                "nothing was installed; set the mirror (--mirror / UV_PYTHON_INSTALL_MIRROR) to an "
                "http(s):// or file:// URL"),
    ("file:srv/m", "it is not a file URL pytui can read, which starts `file://` and an absolute path"),
    ("srv/m", "it is not a URL (it starts with no scheme such as https://)"),
    ("ftp://127.0.0.1/m", "pytui downloads over http, https and file URLs, not 'ftp'"),
    ("http://127.0.0.1:99999/m", "it is a URL whose port 99999 is not a number from 0 to 65535; "
                                 "nothing was installed; fix the port in the mirror"),
    ("https://127.0.0.1:99999/m", "whose port 99999 is not a number from 0 to 65535"),
    ("http://127.0.0.1:8x/m", "it is a URL whose port 8x is not a number from 0 to 65535"),
    ("http://[::1]:70000/m", "whose port 70000 is not a number"),
    # The URL parser's refusals: said at once, the host to fix, never 'try again later'.
    ("http://[::1/m", "it is not a valid URL (Invalid IPv6 URL); nothing was installed; fix the "
                      "host in the mirror"),
    # (Python 3.10's urlsplit takes both: pytui checks a bracketed host itself.)
    ("http://[zz]/m", "it is not a valid URL ('zz' does not appear to be an IPv4 or IPv6 address)"),
    ("http://[127.0.0.1]/m", "it is not a valid URL (An IPv4 address cannot be in brackets)"),
    ("file://otherhost/srv/m", "it is not a valid URL (a file URL of the host 'otherhost': pytui "
                               "reads files of this machine, file:///PATH); nothing was installed; "
                               "fix the host in the mirror"),
])
def test_a_mirror_that_is_no_requestable_url_is_said_at_once(
        pytui: Pytui, mirrored: MadeArchive, mirror: str, says: str) -> None:
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    requests = len(pytui.server.requests)
    result = pytui.run("--mirror", mirror, "install", "3.12.8")
    line = assert_clean_failure(result)
    assert says in line and "try again later" not in line, line
    assert "retrying" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert len(pytui.server.requests) == requests  # nothing fetched (the catalog is a file)
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before


@pytest.mark.parametrize(("url", "says"), [
    ("http://", "catalog http:// is a URL with no host; fix --downloads-json / "
                "UV_PYTHON_DOWNLOADS_JSON_URL"),
    ("http://127.0.0.1:99999/c.json", "is a URL whose port 99999 is not a number from 0 to 65535"),
    ("https://127.0.0.1:abc/c.json", "is a URL whose port abc is not a number from 0 to 65535"),
    ("http://a b/c.json", "is a URL whose host holds a space, which no host may hold"),
    ("http://[::1/c.json", "catalog http://[::1/c.json is not a valid URL (Invalid IPv6 URL); fix "
                           "--downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL"),
    ("http://[zz]/c.json", "is not a valid URL ('zz' does not appear to be an IPv4 or IPv6 address)"),
])
def test_a_catalog_url_that_is_no_requestable_url_is_said_at_once(
        pytui: Pytui, baseline: MadeArchive, url: str, says: str) -> None:
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    for args in (("list",), ("install", "3.12")):
        result = pytui.run(*args, UV_PYTHON_DOWNLOADS_JSON_URL=url)
        line = assert_clean_failure(result)
        assert says in line and "refused" not in line and "protocol" not in line, line
        assert "network" not in line and "later" not in line, line
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before


@pytest.mark.parametrize(("url", "fault"), [
    ("http://h/", None), ("http://h:/", None), ("http://h:0/", None), ("https://h:65535/x", None),
    ("http://u:p@h:8080/x", None), ("http://[::1]:80/", None), ("http://[::1]/", None),
    ("http://[::1/", None), ("https://[::1/pbs", None), ("ftp://h:99999/", None), ("file:///x:99999/", None), ("http://h/a:99999", None),
    ("http://h:65536/", "65536"), ("HTTPS://h:99999/", "99999"), ("http://h:8x/", "8x"),
    ("http://u:p@h:-1/", "-1"), ("http://[::1]:1e3/", "1e3"), ("http://h:٣/", "٣"),
])
def test_port_fault(url: str, fault: str | None) -> None:
    found = port_fault(url)
    if fault is None:
        assert found is None, found
    else:
        assert found == f"a URL whose port {fault} is not a number from 0 to 65535"


def test_a_file_mirror_of_another_host_is_refused_and_localhost_is_this_machine(
        pytui: Pytui, mirrored: MadeArchive) -> None:
    """`file://server/srv/m` read this machine's /srv/m (uv 0.13.9: "Invalid path in file URL");
    `file://localhost/…` is this machine's, for both."""
    import shutil

    mirror = pytui.tmp / "mirror"
    (mirror / "20250115").mkdir(parents=True)
    shutil.copy(mirrored.path, mirror / "20250115" / mirrored.build.release_filename)
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    line = assert_clean_failure(pytui.run("--mirror", f"file://otherhost{mirror}", "install", "3.12.8"))
    assert "not a valid URL (a file URL of the host 'otherhost': pytui reads files of this machine, " \
           "file:///PATH)" in line, line
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
    result = pytui.run("--offline", "--mirror", f"file://localhost{mirror}", "install", "3.12.8")
    assert result.returncode == 0, str(result)
    assert (pytui.root / mirrored.build.key / "bin").is_dir()


def test_a_catalog_file_url_of_another_host_is_refused(pytui: Pytui, baseline: MadeArchive) -> None:
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    url = f"file://otherhost{pytui.catalog}"
    line = assert_clean_failure(pytui.run("list", UV_PYTHON_DOWNLOADS_JSON_URL=url))
    assert line == (f"error: catalog {url} names the host 'otherhost': pytui reads files of this machine; "
                    "point --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL at file:///PATH or a path"), line
    assert pytui.run("list", UV_PYTHON_DOWNLOADS_JSON_URL=f"file://localhost{pytui.catalog}").returncode == 0
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before

"""core/plain_http: http:// downloads without httpx, against the hostile loopback server."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytui.core import plain_http
from pytui.core.download import Backoff, Downloader
from pytui.core.errors import DownloadError

DATA = os.urandom(300_000) + b"end"
SHA = hashlib.sha256(DATA).hexdigest()
FAST = Backoff(base=0.001, cap=0.01)


def test_a_plain_http_download_never_imports_httpx(http_server, tmp_path: Path) -> None:
    url = http_server.add("/a.tar.gz", DATA)
    code = ("import sys; from pathlib import Path; from pytui.core.download import Downloader\n"
            f"r = Downloader().download([{url!r}], Path({str(tmp_path / 'a.part')!r}), expected_sha256={SHA!r})\n"
            "assert r.size == " + str(len(DATA)) + "\n"
            "assert 'httpx' not in sys.modules, 'httpx was imported'\n")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.part").read_bytes() == DATA


def test_proxies_and_https_go_through_httpx() -> None:
    assert plain_http.usable_for("http://h/a", {})
    assert plain_http.usable_for("HTTP://h/a", {"NO_PROXY": "*"})
    assert not plain_http.usable_for("https://h/a", {})
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        assert not plain_http.usable_for("http://h/a", {name: "http://proxy:3128"})


def test_redirects_are_followed_and_bounded(http_server, tmp_path: Path) -> None:
    target = http_server.add("/real.tar.gz", DATA)
    first = http_server.add("/r1", b"", mode="redirect", mode_args={"location": "/r2", "status": 301})
    http_server.add("/r2", b"", mode="redirect", mode_args={"location": target, "status": 307})
    with Downloader(backoff=FAST) as dl:
        result = dl.download([first], tmp_path / "a.part", expected_sha256=SHA)
    assert result.size == len(DATA) and (tmp_path / "a.part").read_bytes() == DATA
    loop = http_server.add("/loop", b"", mode="redirect", mode_args={"location": "/loop"})
    with Downloader(backoff=FAST, retries=2) as dl, pytest.raises(DownloadError) as err:
        dl.download([loop], tmp_path / "b.part", expected_sha256=SHA)
    assert "TooManyRedirects" in str(err.value) and "after" not in str(err.value)  # not retried
    assert http_server.count("/loop") == plain_http.MAX_REDIRECTS + 1
    # The same words as httpx's, which fetches catalogs and https archives ("more than 20
    # redirects" here, "Exceeded maximum allowed redirects." there).
    from pytui.core.http import make_client

    said = f"{loop}: TooManyRedirects: {plain_http.TOO_MANY_REDIRECTS}"
    assert said in str(err.value), str(err.value)
    with Downloader(backoff=FAST, retries=0, client_factory=lambda: make_client(offline=False)) as dl, \
            pytest.raises(DownloadError) as err:
        dl.download([loop], tmp_path / "c.part", expected_sha256=SHA)
    assert said in str(err.value), str(err.value)


def test_a_redirect_to_https_is_handed_to_httpx(http_server, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = http_server.add("/r", b"", mode="redirect", mode_args={"location": "https://example.invalid/a"})
    asked: list[str] = []

    def no_client(self: Downloader, what: str) -> object:
        asked.append(what)
        raise DownloadError("no network in tests")

    monkeypatch.setattr(Downloader, "_http_client", no_client)
    with Downloader(backoff=FAST, retries=0) as dl, pytest.raises(DownloadError):
        dl.download([url], tmp_path / "a.part", expected_sha256=SHA)
    assert asked == [url]  # httpx starts from the original URL and follows the chain itself


def test_chunked_bodies(http_server, tmp_path: Path) -> None:
    good = http_server.add("/c.tar.gz", DATA, mode="chunked", mode_args={"chunk": 70_001})
    with Downloader(backoff=FAST) as dl:
        assert dl.download([good], tmp_path / "a.part", expected_sha256=SHA).size == len(DATA)
    assert (tmp_path / "a.part").read_bytes() == DATA
    bad = http_server.add("/bad.tar.gz", DATA, mode="chunked", mode_args={"bad_size": True})
    with Downloader(backoff=FAST, retries=1) as dl, pytest.raises(DownloadError) as err:
        dl.download([bad], tmp_path / "b.part", expected_sha256=SHA)
    assert "RemoteProtocolError" in str(err.value) and "chunk size" in str(err.value)
    cut = http_server.add("/cut.tar.gz", DATA, mode="chunked", mode_args={"cut": True, "chunk": 100_000})
    with Downloader(backoff=FAST, retries=1) as dl, pytest.raises(DownloadError) as err:
        dl.download([cut], tmp_path / "c.part", expected_sha256=SHA)
    assert "RemoteProtocolError" in str(err.value) and http_server.count("/cut.tar.gz") >= 2  # transient


def test_huge_headers_are_refused(http_server, tmp_path: Path) -> None:
    url = http_server.add("/h.tar.gz", DATA, mode="huge_headers", mode_args={"bytes": 200_000})
    with Downloader(backoff=FAST, retries=0) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], tmp_path / "a.part", expected_sha256=SHA)
    assert f"longer than {plain_http.MAX_HEADER_BYTES} bytes" in str(err.value)
    assert not (tmp_path / "a.part").exists()


class _DribblingServer:
    """A raw socket server that answers every connection with a status line and then one header
    byte every `interval` seconds, for ever (until stopped): each read gets data well within
    the read timeout, the head never ends."""

    def __init__(self, interval: float) -> None:
        import socket
        import threading

        self.interval = interval
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    while not self.stop.wait(self.interval):
                        conn.sendall(b"a")
                except OSError:
                    continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()


def test_a_head_that_never_ends_is_cut_by_the_read_timeout() -> None:
    """Each byte of the head arriving within the read timeout does not stretch it for ever: the
    whole head must arrive within the read timeout (slowloris)."""
    import threading

    server = _DribblingServer(0.05)
    outcome: list[BaseException | None] = []
    done = threading.Event()

    def fetch() -> None:
        try:
            plain_http.PlainClient("t").stream("GET", f"http://127.0.0.1:{server.port}/x", headers={},
                                               timeout=(5.0, 1.0)).close()
            outcome.append(None)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            outcome.append(err)
        finally:
            done.set()

    try:
        threading.Thread(target=fetch, daemon=True).start()
        assert done.wait(60), "the head of the response was read for ever"
    finally:
        server.close()
    assert isinstance(outcome[0], plain_http.ReadTimeout), outcome

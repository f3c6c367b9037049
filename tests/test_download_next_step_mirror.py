"""A download that fails names the mirror that could have served it: `--mirror /
UV_PYTHON_INSTALL_MIRROR` for CPython, UV_PYPY_INSTALL_MIRROR for PyPy, and none for GraalPy
(uv downloads its builds from the catalog's URL): a graalpy build nobody answered for said to
check a mirror that does not apply to it (core/download_policy.mirror_of)."""

from __future__ import annotations

import socket

import pytest
from archive_builds import make_build
from download_doubles import FAST
from pytui.core.cache import ArchiveCache
from pytui.core.download import Downloader
from pytui.core.download_policy import UNREACHABLE_NEXT_STEP
from pytui.core.errors import DownloadError


def _refused_url() -> str:
    with socket.socket() as sock:  # a port nothing listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/archive.tar.gz"


@pytest.mark.parametrize(("implementation", "names", "not_named"), [
    ("cpython", "UV_PYTHON_INSTALL_MIRROR", "UV_PYPY_INSTALL_MIRROR"),
    ("pypy", "UV_PYPY_INSTALL_MIRROR", "UV_PYTHON_INSTALL_MIRROR"),
    ("graalpy", "check the network connection;", "MIRROR"),
])
def test_an_unreachable_download_names_only_a_mirror_that_applies(
        tmp_path, implementation: str, names: str, not_named: str) -> None:
    build = make_build(sha256="ab" * 32)._replace(implementation=implementation)
    cache = ArchiveCache(tmp_path / "cache")
    with Downloader(retries=0, backoff=FAST) as downloader, pytest.raises(DownloadError) as err:
        cache.fetch(build, [_refused_url()], downloader=downloader)
    step = err.value.next_step or ""
    assert names in step and not_named not in step, step
    assert "builds already in the cache install offline" in step, step
    if implementation == "cpython":
        assert step == UNREACHABLE_NEXT_STEP
    assert not list((tmp_path / "cache").glob("*.part")), "nothing half-downloaded is kept"

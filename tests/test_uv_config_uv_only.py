"""What uv 0.13.9 does with a configuration file that pytui deliberately does not do
(docs/uv-compat.md#configuration-files), the real uv beside: a `required-version` pytui ignores
(it names a uv version, and pytui is not uv), a FIFO uv waits on where pytui refuses it, and an
empty or unusable mirror or catalog URL that uv fails on when it lists and pytui does not."""

from __future__ import annotations

import json
import os
import subprocess
import threading

import pytest
from cli_harness import Pytui
from test_uv_config_cli import PBS, _env, _pytui, _uv
from test_uv_config_schema import KEY, _both
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]


@pytest.mark.parametrize("pin", [">=99", "0.5", "!=0.13.9"])
def test_a_required_uv_version_stops_uv_and_not_pytui(pytui: Pytui, pin: str) -> None:
    _, ours, theirs = _both(pytui, f'required-version = "{pin}"\n')
    assert theirs.returncode == 2 and "Required uv version" in theirs.stderr, theirs.stderr
    assert ours.returncode == 0 and ours.stderr == "" and KEY in ours.stdout, ours.stderr


def test_a_fifo_uv_waits_on_is_refused_by_pytui(pytui: Pytui) -> None:
    """uv opens a FIFO uv.toml and waits for a writer, reading what it writes: without one,
    `uv python list` never ends. pytui refuses it at once, in one line (exit 2)."""
    path, _, _ = _both(pytui, "")
    path.unlink()
    os.mkfifo(path)
    ours = _pytui(pytui, path.parent, "list", "--only-downloads",
                  UV_PYTHON_DOWNLOADS_JSON_URL=str(pytui.catalog))
    lines = ours.stderr.splitlines()
    assert ours.returncode == 2 and len(lines) == 1 and "a FIFO, not a regular file" in lines[0], lines
    env = _env(pytui, UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_PYTHON_PREFERENCE="only-managed")
    env.pop("UV_PYTHON_CACHE_DIR")
    uv = subprocess.Popen([str(UV), "python", "list", "--only-downloads"], env=env, cwd=path.parent,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    opened = threading.Event()

    def write() -> None:
        with open(path, "w") as fifo:  # returns once uv has opened the FIFO to read it
            opened.set()
            fifo.write(f'python-downloads-json-url = "{pytui.catalog}"\n')

    writer = threading.Thread(target=write)
    writer.start()
    out, err = uv.communicate(timeout=120)  # uv ends once the writer closed the FIFO
    if not opened.is_set():  # uv never read it: let the writer go
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    writer.join()
    assert opened.is_set(), "uv did not open the FIFO"
    assert uv.returncode == 0 and KEY in out, err


@pytest.mark.parametrize(("text", "uv_says"), [
    ('python-install-mirror = ""\n', "relative URL without a base"),
    ('python-install-mirror = "https://a b/"\n', "invalid international domain name"),
    ('python-downloads-json-url = ""\n', "failed to open file ``"),
], ids=["empty-mirror", "mirror-host-with-a-space", "empty-catalog-url"])
def test_an_unusable_download_url_in_a_file_stops_uv_list_and_not_pytuis(
        pytui: Pytui, text: str, uv_says: str) -> None:
    """Not a parse error to uv (its settings hold a plain string): `uv python list` fails, exit 2,
    when it makes each download's URL from the mirror or opens the catalog. pytui's list runs: an
    empty string from a file is unset to it, as an empty variable is to both tools (its default
    sources), and a mirror is only joined to a URL when something is downloaded (an install then
    fails on that host in one line, naming the mirror's file)."""
    cwd = pytui.tmp / "project"
    cwd.mkdir()
    (cwd / "uv.toml").write_text(text)
    url = f"{PBS}20250115/cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    pytui.catalog.write_text(json.dumps({KEY: {  # a GitHub URL a mirror stands in for, never downloaded
        "name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux", "libc": "gnu",
        "major": 3, "minor": 12, "patch": 8, "prerelease": "", "variant": None, "url": url,
        "sha256": None, "build": "20250115"}}))
    catalog = {} if "json-url" in text else {"UV_PYTHON_DOWNLOADS_JSON_URL": str(pytui.catalog)}
    theirs = _uv(pytui, cwd, "list", "--only-downloads", **catalog)
    assert theirs.returncode == 2 and uv_says in theirs.stderr, theirs.stderr
    ours = _pytui(pytui, cwd, "list", "--only-downloads", **catalog)
    assert ours.returncode == 0 and ours.stderr == "", ours.stderr
    assert "cpython-3." in ours.stdout and (KEY in ours.stdout or not catalog), ours.stdout

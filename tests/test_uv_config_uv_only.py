"""What uv 0.13.9 does with a configuration file that pytui deliberately does not do
(docs/uv-compat.md#configuration-files), the real uv beside: a `required-version` pytui ignores
(it names a uv version, and pytui is not uv), and a FIFO uv waits on where pytui refuses it."""

from __future__ import annotations

import os
import subprocess
import threading

import pytest
from cli_harness import Pytui
from test_uv_config_cli import _env, _pytui
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

"""An installed pre-release satisfies `pytui install REQUEST` only when the request allows one,
as uv's `satisfied_by_key` decides (`uv python install`, 0.13.9, run beside pytui on twin roots).

With only 3.14.0rc1 installed, `pytui install 3`, `>=3.10` and a bare `pytui install` said
"Python 3 is already installed (cpython-3.14.0rc1-…)", where uv installs the newest final release
(3.13.1). A request naming the pre-release is satisfied by it, for both."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from cli_harness import Pytui, key_of
from test_uv_interop import UV

RC = key_of("3.14.0rc1")
FINAL = key_of("3.13.1")


def _installed(root) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("cpython-") and not p.is_symlink())


@pytest.mark.parametrize("request_text", ["3", ">=3.10", ""], ids=["major", "range", "none"])
def test_an_installed_prerelease_does_not_satisfy_a_request_for_a_final_release(
        pytui: Pytui, request_text: str) -> None:
    pytui.add("3.14.0rc1")
    pytui.add("3.13.1")
    pytui.call("install", "3.14.0rc1", "--no-bin")
    twin = pytui.tmp / "uv-root"
    shutil.copytree(pytui.root, twin, symlinks=True)
    done = pytui.run("install", *([request_text] if request_text else []), "--no-bin")
    assert done.returncode == 0, str(done)
    assert f" + {FINAL}" in done.stderr and "already installed" not in done.stderr, str(done)
    assert _installed(pytui.root) == [FINAL, RC]
    if UV.exists():  # the real uv does the same on a copy of the root
        env = pytui.env(UV_NO_CONFIG="1", UV_OFFLINE="1", UV_PYTHON_INSTALL_DIR=str(twin),
                        UV_PYTHON_PREFERENCE="only-managed", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"))
        theirs = subprocess.run([str(UV), "python", "install", *([request_text] if request_text else []),
                                 "--no-bin"], env=env, capture_output=True, text=True, timeout=120,
                                cwd=pytui.tmp)
        assert theirs.returncode == 0 and f" + {FINAL}" in theirs.stderr, theirs.stderr
        assert _installed(twin) == [FINAL, RC]


def test_a_request_naming_the_prerelease_is_satisfied_by_it(pytui: Pytui) -> None:
    pytui.add("3.14.0rc1")
    pytui.add("3.13.1")
    pytui.call("install", "3.14.0rc1", "--no-bin")
    for text in ("3.14.0rc1", RC, "3.14"):
        done = pytui.run("install", text, "--no-bin")
        assert done.returncode == 0 and f"is already installed ({RC})" in done.stderr, str(done)
    assert _installed(pytui.root) == [RC]

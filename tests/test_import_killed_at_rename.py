"""`pytui cache import` SIGKILLed at its rename of the whole copy over a cached archive whose
bytes went bad (strace: its first rename, killed as it is entered).

cli30's kill drive of the import (every openat, close, write, flock, rename and unlink from the
import's first touch of the cache, three scenes, 160 kills; /work/notes/cli30-drivers) found the
cache always without the archive, with the old bytes, or with it whole, and what a kill left
removed by the next import. This pins the point where the most is at stake: the cache still
holds the old file and a whole copy waits beside it under a hidden name."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from cli_harness import Pytui
from fixtures_archives import sha256_of

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")


def test_an_import_killed_at_its_rename_leaves_the_old_file_and_the_next_import_mends_it(
        pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True)
    pytui.cache.mkdir()
    cached = pytui.cache / made.build.cache_filename
    spoiled = made.path.read_bytes()[::-1]
    cached.write_bytes(spoiled)
    # The import's own rename is its first: the catalog's parsed cache is written (renamed into
    # place) by the listing before, and no bytecode is written (importlib renames .pyc files).
    assert pytui.run("cache", "list").returncode == 0
    killed = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2",
                             "-e", "inject=rename,renameat,renameat2:signal=SIGKILL:when=1",
                             *pytui.argv("cache", "import", str(made.path))],
                            env=pytui.env(PYTHONDONTWRITEBYTECODE="1"), capture_output=True, text=True,
                            timeout=120, cwd=pytui.tmp)
    assert killed.returncode in (137, -9), killed.stderr
    assert cached.read_bytes() == spoiled  # the rename never happened
    temps = [p for p in pytui.cache.iterdir() if p.name.startswith(".import.")]
    assert len(temps) == 1 and sha256_of(temps[0]) == made.sha256  # the whole copy, unnamed

    listed = pytui.run("cache", "list")
    assert listed.returncode == 0 and "1 leftover of killed runs" in listed.stdout, str(listed)
    again = pytui.run("cache", "import", str(made.path))
    assert again.returncode == 0 and again.stdout.startswith(f"imported {made.path} as "), str(again)
    assert sorted(p.name for p in pytui.cache.iterdir()) == [cached.name]
    assert sha256_of(cached) == made.sha256

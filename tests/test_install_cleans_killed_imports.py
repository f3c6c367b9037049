"""What a killed `cache import` leaves (its temporary copy, a whole archive, in the cache dir)
was removed only by the next import, `cache purge --all` or `cache verify`; `cache list` named
it, and a satisfied `pytui install`, which cleans what killed runs left in `.temp/` and among
the kept trees, left it. One rule now: what a killed run left that no later run takes up goes
with the next satisfied install too (as many as an import removes); a killed download's
`.part` stays, for the next download of it to resume."""

from __future__ import annotations

import os

from cli_harness import Pytui
from test_cache_concurrent import NO_SUCH_PID


def test_a_satisfied_install_removes_a_killed_imports_copy_not_a_running_ones(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    killed = pytui.cache / f".import.{NO_SUCH_PID}.feed.tmp"
    killed.write_bytes(b"x" * 1000)
    running = pytui.cache / f".import.{os.getpid()}.feed.tmp"  # this process runs
    running.write_bytes(b"y")
    partial = pytui.cache / "some-archive.tar.gz.part"
    partial.write_bytes(b"z")

    again = pytui.run("install", "3.12")

    assert again.returncode == 0 and "already installed" in again.stderr, str(again)
    assert not killed.exists() and running.exists() and partial.exists()
    listed = pytui.run("cache", "list")
    assert "leftover" not in listed.stdout, str(listed)

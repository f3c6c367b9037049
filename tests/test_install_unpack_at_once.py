"""Two pytui processes installing one build at once unpack its archive once. Two `--no-cache`
installs already shared one download (tests/test_install_same_key_at_once.py), but with the
archive in the cache (imported, or downloaded there by the first) each process unpacked it:
a cached install held the archive's lock only while it downloaded. Now an install that has no
kept tree to link holds the archive's `<name>.part.lock` from when it first needs the archive
until its commit has ended: the second process says it waits for the first one's install from
the cached archive, then finds the build installed (or, a reinstall, links the tree the first
kept) and unpacks nothing.

Both processes are real pytui processes with the extraction step hooked (tests/step_hook.py):
each call of `extract_archive` prints `paused` and waits for a line, so the test counts the
unpacks (one `paused` each) and holds the first inside its unpacking until it has seen the
second's waiting line (or the second's own `paused`, the unpack this change removes): events,
not time.
"""

from __future__ import annotations

from subprocess import Popen
from threading import Thread
from typing import NamedTuple

import pytest
from cli_harness import Pytui, assert_installed, finish, reading_stderr, reading_stdout, wait_for
from step_hook import hooked, paused_at, resume

UNPACKING = "pytui.core.extract.extract_archive"
WAITS = "waiting for another pytui process that is installing"


class _Pair(NamedTuple):
    first: Popen[str]
    code: int  # the first's exit code and stderr
    err: str
    two: Popen[str]
    unpacked: list[str]  # the second's unpacks (its `paused` lines) and stderr lines
    said: list[str]
    readers: list[Thread]


def _second_beside_the_first(pytui: Pytui, *second: str) -> _Pair:
    """The first `pytui install 3.12` paused inside its unpacking (holding the archive's lock),
    a second (`second`, hooked the same way) run until it says it waits for the first (or unpacks
    itself), then the first resumed and ended."""
    first = paused_at(pytui, UNPACKING, "install", "3.12")  # holding the archive's lock
    two = hooked(pytui, UNPACKING, "wait", *second, "3.12")
    unpacked, out_reader = reading_stdout(two)
    said, err_reader = reading_stderr(two)
    try:
        wait_for(lambda: any(WAITS in line for line in said) or unpacked,
                 "the second pytui's waiting line (or its own unpacking)", two)
    finally:
        code, _, err = resume(first)
    return _Pair(first, code, err, two, unpacked, said, [out_reader, err_reader])


def _second_ended(two: Popen[str], said: list[str], readers: list[Thread]) -> str:
    """The second run to its end, which is a success: all it wrote to stderr."""
    two.stdout = two.stderr = None  # read by the threads
    ended = finish(two)
    for reader in readers:
        reader.join(60)
    text = "".join(said)
    assert ended.returncode == 0 and "Traceback" not in text, text
    return text


def _go_on(two: Popen[str]) -> None:
    """Let the second, paused inside its own unpacking, go on."""
    assert two.stdin is not None
    two.stdin.write("go\n")
    two.stdin.flush()


@pytest.mark.parametrize("cached", [True, False], ids=["imported", "downloaded-by-the-first"])
@pytest.mark.parametrize("second", [(), ("--reinstall", "--verbose"), ("--no-cache",)],
                         ids=["install", "reinstall", "no-cache"])
def test_the_second_install_waits_for_the_first_ones_unpacking(pytui: Pytui, cached: bool,
                                                               second: tuple[str, ...]) -> None:
    made = pytui.add("3.12.8")
    if cached:
        pytui.call("cache", "import", str(made.path))
        assert pytui.trees() == []  # an import keeps no tree: the first install unpacks it
    pair = _second_beside_the_first(pytui, "install", *second)
    first, err, said = pair.first, pair.err, pair.said
    if pair.unpacked:  # (before: the second unpacked the archive too) let it end
        _go_on(pair.two)
    assert pair.code == 0, err
    text = _second_ended(pair.two, said, pair.readers)
    assert pair.unpacked == [], f"the second pytui unpacked the archive too: {text}"
    [line] = [line for line in said if WAITS in line]
    assert f"{made.build.key} from its cached archive (pid {first.pid}: " in line, line
    assert f" + {made.build.key}" in err
    if "--reinstall" in second:
        # Linked from the tree the first one kept, over the install it made.
        assert f" ~ {made.build.key}" in text and "unpacked by the pristine tree kept in the cache" in text, text
    else:
        assert f"Python 3.12.8 is already installed ({made.build.key})" in text, text
    assert_installed(pytui, made)
    assert pytui.trees() == [made.sha256]
    assert pytui.requests(made) == (0 if cached else 1)


@pytest.mark.parametrize("no_trees", [False, True], ids=["trees", "no-trees"])
def test_the_waiting_line_says_what_the_second_goes_on_with(pytui: Pytui, monkeypatch: pytest.MonkeyPatch,
                                                            no_trees: bool) -> None:
    """The line says what this install does once the wait is over, in both modes: with trees
    it links the tree the first kept (a reinstall); with PYTUI_NO_TREES=1 no tree is kept or
    linked, and a reinstall unpacks the archive itself (the line said `the tree it keeps`)."""
    if no_trees:
        monkeypatch.setenv("PYTUI_NO_TREES", "1")
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    pair = _second_beside_the_first(pytui, "install", "--reinstall", "--verbose")
    two, unpacked, said = pair.two, pair.unpacked, pair.said
    assert pair.code == 0, pair.err
    [line] = [line for line in said if WAITS in line]
    then = "the install it made, or unpacks the archive itself," if no_trees else \
        "the tree it keeps, or the install it made,"
    assert line.rstrip("\n").endswith(f"); this install goes on with {then} once it ends; Ctrl-C stops"), line
    if no_trees:
        # As the line says: it unpacks the archive itself (paused there: let it go on).
        wait_for(lambda: unpacked, "the second pytui's own unpacking", two)
        _go_on(two)
    text = _second_ended(two, said, pair.readers)
    assert f" ~ {made.build.key}" in text, text
    assert len(unpacked) == (1 if no_trees else 0), text
    assert ("unpacked by the pristine tree kept in the cache" in text) != no_trees, text
    assert pytui.trees() == ([] if no_trees else [made.sha256])
    assert_installed(pytui, made)

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

import pytest
from cli_harness import Pytui, assert_installed, finish, reading_stderr, reading_stdout, wait_for
from step_hook import hooked, paused_at, resume

UNPACKING = "pytui.core.extract.extract_archive"
WAITS = "waiting for another pytui process that is installing"


@pytest.mark.parametrize("cached", [True, False], ids=["imported", "downloaded-by-the-first"])
@pytest.mark.parametrize("second", [(), ("--reinstall", "--verbose"), ("--no-cache",)],
                         ids=["install", "reinstall", "no-cache"])
def test_the_second_install_waits_for_the_first_ones_unpacking(pytui: Pytui, cached: bool,
                                                               second: tuple[str, ...]) -> None:
    made = pytui.add("3.12.8")
    if cached:
        pytui.call("cache", "import", str(made.path))
        assert pytui.trees() == []  # an import keeps no tree: the first install unpacks it
    first = paused_at(pytui, UNPACKING, "install", "3.12")  # holding the archive's lock
    two = hooked(pytui, UNPACKING, "wait", "install", *second, "3.12")
    unpacked, out_reader = reading_stdout(two)
    said, err_reader = reading_stderr(two)
    try:
        wait_for(lambda: any(WAITS in line for line in said) or unpacked,
                 "the second pytui's waiting line (or its own unpacking)", two)
    finally:
        code, _, err = resume(first)
        if unpacked:  # (before: the second unpacked the archive too) let it end
            assert two.stdin is not None
            two.stdin.write("go\n")
            two.stdin.flush()
    assert code == 0, err
    two.stdout = two.stderr = None  # read by the threads above
    ended = finish(two)
    out_reader.join(60)
    err_reader.join(60)
    text = "".join(said)
    assert ended.returncode == 0 and "Traceback" not in text, text
    assert unpacked == [], f"the second pytui unpacked the archive too: {text}"
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

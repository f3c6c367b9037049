"""Two `pytui install` of one build: the second waits on the archive's download lock
(`<name>.part.lock`) while the first downloads it, then uses that download. The wait was
silent and unbounded: with the first pytui suspended (Ctrl-Z) or slow, the second sat at its
`resolve` line with nothing saying why. Now it says once that it waits for another pytui's
download of that build, and still goes on when that download ends.

The first pytui is stopped inside its download (holding the lock) by tests/step_hook.py; the
test waits for the second one's line, then lets the first go on: events, not time.
"""

from __future__ import annotations

import signal

from cli_harness import Pytui, assert_installed, cache_name, finish, reading_stderr, wait_for
from pytui.app.interrupted import install_line
from step_hook import paused_at, resume

DOWNLOADING = "pytui.core.download.Downloader/download"
# The download lock's line; on a busy machine the second pytui may also wait for the root's
# lock while the first one installs ("waiting for the lock on …"), which is another line.
WAITS_FOR_DOWNLOAD = "waiting for another pytui process that is downloading"


def test_a_second_install_says_it_waits_for_the_first_ones_download(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    first = paused_at(pytui, DOWNLOADING, "install", "3.12")
    second = pytui.popen("install", "3.12")
    said, reader = reading_stderr(second)
    try:
        wait_for(lambda: any(WAITS_FOR_DOWNLOAD in line for line in said), "the second pytui's waiting line", second)
    finally:
        code, _, err = resume(first)
    assert code == 0, err
    second.stderr = None  # read by the thread above
    result = finish(second)
    reader.join(60)
    text = "".join(said)
    assert result.returncode == 0, text
    [line] = [line for line in said if WAITS_FOR_DOWNLOAD in line]
    assert made.build.key in line and "another pytui" in line and "download" in line, line
    assert "Traceback" not in text
    assert_installed(pytui, made)
    assert pytui.requests(made) == 1 and pytui.cached() == [cache_name(made)]


def test_the_wait_names_the_holder_and_how_to_stop_and_ctrl_c_stops_it(pytui: Pytui) -> None:
    """The wait has no bound but the first pytui's life (its lock goes with it), so its line
    says which process it waits for and that Ctrl-C stops it, and Ctrl-C does: exit 130 with
    one line, the first one's download untouched. The line named neither before."""
    made = pytui.add("3.12.8")
    first = paused_at(pytui, DOWNLOADING, "install", "3.12")
    second = pytui.popen("install", "3.12")
    assert second.stderr is not None
    stderr = second.stderr
    said: list[str] = []
    try:
        while not said or (said[-1] and WAITS_FOR_DOWNLOAD not in said[-1]):  # (an event: its line)
            said.append(stderr.readline())
        line = said[-1]
        assert f"(pid {first.pid}: " in line and line.rstrip().endswith("; Ctrl-C stops"), said
        second.send_signal(signal.SIGINT)
        second.stderr = None  # read here
        rest = stderr.read()
        assert second.wait(60) == 130, rest
        assert "Traceback" not in rest and rest.splitlines() == [f"error: {install_line(installed_some=False)}"], rest
        assert first.poll() is None and cache_name(made) not in pytui.cached()
    finally:
        code, _, err = resume(first)
    assert code == 0, err
    assert_installed(pytui, made)
    assert pytui.requests(made) == 1 and pytui.cached() == [cache_name(made)]

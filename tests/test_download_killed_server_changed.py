"""A download killed (SIGKILL) mid-stream, then resumed from a server whose bytes at that URL
changed meanwhile to others of the same size (a different sha256): with the same ETag and
Last-Modified (a server or CDN that lies, so If-Range matches) or with no validators at all (the
resume is sent without If-Range). The spliced file never matches the catalog's sha256: the
download is started again whole, which does not match either, and the install fails in one line
with nothing installed and nothing cached, not even a `.part` of the wrong bytes to resume from
again. Once the server is right again the next install downloads and installs the real archive.

The kill lands while the server holds the transfer (a stall with no end), as the first bytes are
in the `.part`: an event, never a time.
"""

from __future__ import annotations

import hashlib
import os
import signal

import pytest
from cli_harness import Pytui, assert_clean_failure, assert_installed, cache_name, wait_for

HOLD = {"stall_at": 20_000, "stall_seconds": 3600}


@pytest.mark.parametrize("validators", [{}, {"etag": False, "last_modified": False}],
                         ids=["same-validators", "no-validators"])
def test_a_resume_across_changed_bytes_installs_and_keeps_nothing_wrong(pytui: Pytui, validators: dict) -> None:
    made = pytui.add("3.12.8", payload=True, faults={**HOLD, **validators})
    proc = pytui.popen("install", "3.12", UV_HTTP_TIMEOUT="3600", PYTUI_HTTP_SPEED_LIMIT="0")
    part = pytui.cache / (cache_name(made) + ".part")
    wait_for(lambda: part.is_file() and part.stat().st_size > 0, "the first bytes in the .part", proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert part.stat().st_size > 0  # a resumable part, as a kill leaves it
    pytui.server.set_faults(made.url_path, stall_at=None, corrupt=True)  # same size, other bytes
    changed = pytui.run("install", "3.12")
    line = assert_clean_failure(changed)
    assert "sha256 mismatch" in line and "nothing was installed" in line, line
    requests = pytui.server.requests_for(made.url_path)
    assert requests[1].range is not None and requests[1].range[0] > 0  # it did resume, spliced
    assert requests[-1].range is None  # then started again whole
    assert not os.path.lexists(pytui.root / made.build.key) and not pytui.bin.exists()
    assert pytui.cached() == []  # no .part of the wrong bytes, no resume note, no archive
    pytui.server.set_faults(made.url_path, corrupt=False)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    archive = pytui.cache / cache_name(made)
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == made.build.sha256

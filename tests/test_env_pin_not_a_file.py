"""The environment scan's `.python-version` that gives no request: a FIFO, a directory, a file
whose first request is past what the scan reads, an empty one. Each was `broken: empty or
unreadable .python-version`, which said neither what is there nor what to do; each now says
what it is, and the FIFO is never opened (a read would block the scan)."""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.env_files import PIN_MAX_BYTES


def test_a_pin_that_gives_no_request_says_what_is_there(tmp_path: Path) -> None:
    from pytui.core.envs import scan

    home = Path(os.environ["HOME"])
    places = {name: home / "code" / name for name in ("fifo", "dir", "huge", "empty", "ok")}
    for place in places.values():
        place.mkdir(parents=True)
    os.mkfifo(places["fifo"] / ".python-version")
    (places["dir"] / ".python-version").mkdir()
    (places["huge"] / ".python-version").write_bytes(b"#" * PIN_MAX_BYTES + b"\n3.13\n")
    (places["empty"] / ".python-version").write_bytes(b"# later\n")
    (places["ok"] / ".python-version").write_text("3.12\n")
    result = scan(tmp_path / "root", tmp_path / "state", os.environ, roots=[home / "code"])
    said = {env.path.parent.name: env.how() for env in result.environments}
    how = "`uv python pin` and the version the project needs"  # nothing installed
    pin = f"remove it, then pin a version there ({how})"
    assert said == {
        "fifo": f"broken: a FIFO, not a file: uv passes over it; {pin}",
        "dir": f"broken: a directory, not a file: uv passes over it; {pin}",
        "huge": f"broken: no request in its first 4 KiB, all pytui reads of it ({PIN_MAX_BYTES + 6:,} "
                f"bytes); put the request first ({how})",
        "empty": f"broken: no request in it (empty, or comments only); pin a version in it ({how})",
        "ok": "pin 3.12 (no install satisfies it)",
    }, said

"""The kept copy of a remote `--downloads-json` against the clock: it is reused without a request
for ten minutes after it was fetched. A copy whose time stamp lies in the future (the clock was
stepped back after it was kept, or the state dir came from a machine whose clock ran ahead,
`cp -a` keeping the mtime) read as fresh until that future came: no request for days, the
builds added since never listed. Now a copy from more than a minute ahead is fetched again.
The loopback server counts the requests; the clock is the file's mtime, set with os.utime.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pytui.core.custom_catalog import CUSTOM_DIR
from pytui.core.sources import load_catalog
from test_catalog import entry, settings_for, uv_json

OLD = "cpython-3.12.8-linux-x86_64-gnu"
NEW = "cpython-3.13.1-linux-x86_64-gnu"


def kept_copy(tmp_path: Path) -> Path:
    [path] = (tmp_path / "state" / "pytui" / CUSTOM_DIR).iterdir()
    return path


@pytest.mark.parametrize("ahead", [3600.0, 10 * 365 * 86400.0], ids=["an hour", "ten years"])
def test_a_kept_copy_from_the_future_is_fetched_again(tmp_path: Path, http_server, ahead: float) -> None:
    url = http_server.add("/meta.json", uv_json(entry()))
    first = load_catalog(settings_for(tmp_path, downloads_json=url))
    assert list(first.by_key) == [OLD] and http_server.count("/meta.json") == 1
    http_server.add("/meta.json", uv_json(entry(), entry(minor=13, patch=1)))
    again = load_catalog(settings_for(tmp_path, downloads_json=url))
    assert list(again.by_key) == [OLD] and http_server.count("/meta.json") == 1  # fresh: reused
    future = time.time() + ahead
    os.utime(kept_copy(tmp_path), (future, future))
    later = load_catalog(settings_for(tmp_path, downloads_json=url))
    assert http_server.count("/meta.json") == 2
    assert sorted(later.by_key) == [OLD, NEW]


def test_a_kept_copy_a_few_seconds_ahead_is_still_fresh(tmp_path: Path, http_server) -> None:
    """A file server whose clock runs a little ahead stamps every copy in the future: that is
    not a reason to fetch the catalog on every run."""
    url = http_server.add("/meta.json", uv_json(entry()))
    load_catalog(settings_for(tmp_path, downloads_json=url))
    soon = time.time() + 5
    os.utime(kept_copy(tmp_path), (soon, soon))
    load_catalog(settings_for(tmp_path, downloads_json=url))
    assert http_server.count("/meta.json") == 1

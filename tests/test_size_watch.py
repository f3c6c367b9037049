"""app/size_watch.py's rules without an app: which installs a listing measures (again), one
measurement per install at a time, and only the newest result of an install kept; and the disk
watch's stamp of an install (app/disk_watch.py) moving with a package added to it."""

from __future__ import annotations

import os
from pathlib import Path

from pytui.app.disk_watch import DiskStamp, take_stamp
from pytui.app.size_watch import SizeWatch
from pytui.core.keys import InstallationKey
from pytui.core.models import Installation

KEY = "cpython-3.13.1-linux-x86_64-gnu"
OTHER = "cpython-3.12.8-linux-x86_64-gnu"


def _install(key: str) -> Installation:
    parts = InstallationKey.parse(key)
    assert parts is not None
    return Installation(parts, Path("/root") / key)


def _stamp(**installs: object) -> DiskStamp:
    return DiskStamp((), racy=False, installs={k: v for k, v in installs.items()})  # type: ignore[misc]


def _numbers(asks) -> list[tuple[str, int]]:
    return [(i.key, n) for i, n in asks]


def test_a_listing_measures_unknown_sizes_and_moved_installs_only() -> None:
    watch = SizeWatch()
    a, b = _install(KEY), _install(OTHER)
    first = watch.listed([a, b], _stamp(**{KEY: 1, OTHER: 1}), {})
    assert _numbers(first) == [(KEY, 1), (OTHER, 2)]
    newest, start = watch.ended(_numbers(first))
    assert newest == {1, 2} and start == []
    sizes = {KEY: 10, OTHER: 20}
    assert watch.listed([a, b], _stamp(**{KEY: 1, OTHER: 1}), sizes) == []  # nothing moved
    assert _numbers(watch.listed([a, b], _stamp(**{KEY: 2, OTHER: 1}), sizes)) == [(KEY, 3)]
    assert watch.listed([a, b], None, sizes) == []  # no stamp: unknown sizes only


def test_an_install_asked_for_while_measured_waits_and_the_older_result_is_dropped() -> None:
    watch = SizeWatch()
    a = _install(KEY)
    (started,) = watch.listed([a], _stamp(**{KEY: 1}), {})
    # Two more changes while it runs: neither starts; only the newest ask waits.
    assert watch.listed([a], _stamp(**{KEY: 2}), {}) == []
    assert watch.listed([a], _stamp(**{KEY: 3}), {}) == []
    newest, start = watch.ended(_numbers([started]))
    assert newest == set()  # no longer the newest: dropped
    assert _numbers(start) == [(KEY, 3)]
    newest, start = watch.ended(_numbers(start))
    assert newest == {3} and start == []
    assert watch.listed([a], _stamp(**{KEY: 3}), {KEY: 1}) == []  # measured at this stamp


def test_forget_measures_every_install_again_and_a_racy_stamp_is_not_trusted() -> None:
    watch = SizeWatch()
    a = _install(KEY)
    watch.ended(_numbers(watch.listed([a], _stamp(**{KEY: 1}), {})))
    watch.forget()
    again = watch.listed([a], _stamp(**{KEY: 1}), {KEY: 5})
    assert _numbers(again) == [(KEY, 2)]
    watch.ended(_numbers(again))
    assert watch.listed([a], _stamp(**{KEY: 1}), {KEY: 5}) == []
    racy = DiskStamp((), racy=True, installs={KEY: 4})  # type: ignore[dict-item]
    watch.ended(_numbers(watch.listed([a], racy, {KEY: 5})))
    # Measured after a stamp that may have missed a change in its own clock tick: once more.
    assert _numbers(watch.listed([a], DiskStamp((), racy=False, installs={KEY: 4}),  # type: ignore[dict-item]
                                 {KEY: 5})) == [(KEY, 4)]


def test_an_installs_stamp_moves_with_a_package_added_or_removed(tmp_path: Path) -> None:
    from test_list_damaged import stand_in_install

    root = tmp_path / "root"
    install = stand_in_install(root, "cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    other = stand_in_install(root, KEY)

    def installs() -> dict:
        return take_stamp((root,), installs_in=root).installs

    # Directory times are as coarse as the kernel's tick: dated back, each change below moves
    # them whatever the tick.
    site = install.path / "lib" / "python3.13t" / "site-packages"
    for path in (install.path, install.path / "bin", other.path / "bin"):
        os.utime(path, (1e9, 1e9))
    first = installs()
    assert set(first) == {install.path.name, KEY}
    site.mkdir()
    os.utime(site, (1e9, 1e9))
    made = installs()
    assert made[install.path.name] != first[install.path.name] and made[KEY] == first[KEY]
    (site / "pkg").mkdir()
    assert installs()[install.path.name] != made[install.path.name]
    (other.path / "bin" / "tool").write_text("")  # a script in bin/
    assert installs()[KEY] != first[KEY]


def test_a_cancelled_or_failed_measurement_is_asked_again_at_the_next_listing() -> None:
    watch = SizeWatch()
    a, b = _install(KEY), _install(OTHER)
    watch.ended(_numbers(watch.listed([a, b], _stamp(**{KEY: 1, OTHER: 1}), {})))
    sizes = {KEY: 10, OTHER: 20}
    # Both moved; the thread measuring them is cancelled after the first (or the second's
    # walk failed): the second keeps its old size, and its new stamp is not taken as measured.
    moved = watch.listed([a, b], _stamp(**{KEY: 2, OTHER: 2}), sizes)
    assert _numbers(moved) == [(KEY, 3), (OTHER, 4)]
    newest, start = watch.ended(_numbers(moved), unmeasured={OTHER})
    assert newest == {3, 4} and start == []
    again = watch.listed([a, b], _stamp(**{KEY: 2, OTHER: 2}), sizes)
    assert _numbers(again) == [(OTHER, 5)]
    watch.ended(_numbers(again))
    assert watch.listed([a, b], _stamp(**{KEY: 2, OTHER: 2}), sizes) == []
    # `r` (forget), then a cancelled measurement at an unchanged stamp: asked once more too.
    watch.forget()
    forgotten = watch.listed([a, b], _stamp(**{KEY: 2, OTHER: 2}), sizes)
    watch.ended(_numbers(forgotten), unmeasured={KEY, OTHER})
    assert _numbers(watch.listed([a, b], _stamp(**{KEY: 2, OTHER: 2}), sizes)) == [(KEY, 8), (OTHER, 9)]


def test_refresh_forgets_the_sizes_once() -> None:
    """`r` offline (the catalog is not fetched): every install measured again, asked once."""
    from types import SimpleNamespace

    from pytui.app.listing_messages import ListingMessages

    calls: list[str] = []
    app = SimpleNamespace(
        size_watch=SimpleNamespace(forget=lambda: calls.append("forget")),
        state=SimpleNamespace(settings=SimpleNamespace(downloads_json=None), offline=True),
        runner=SimpleNamespace(scan_disk=lambda: calls.append("scan")),
        notify=lambda *a, **k: calls.append("notify"))
    ListingMessages.action_refresh(app)  # type: ignore[arg-type]
    assert calls == ["forget", "scan", "notify"]

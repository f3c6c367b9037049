"""`pytui cache export-mirror` of a cache with no archive said `install builds first (`pytui
install 3.12`)` whatever was installed or in the catalog. It now names core/example_minor.py's
minor (the newest installed, else the catalog's newest stable for this host), and an installed
one with `--reinstall` (`pytui install` of it downloads nothing). Real pytui processes on the
loopback catalog (3.12.8, 3.13.1, 3.14.0rc2); the line's reinstall is then run and caches the
archive (the loopback catalog's URLs are no release URLs, so no mirror is made of it here)."""

from __future__ import annotations

import shutil

from cli_harness import Pytui

WAY = "no archive exported: {cache} holds no verified python-build-standalone archive of the current catalog; "


def _export(pytui: Pytui) -> tuple[int, str]:
    ran = pytui.run("cache", "export-mirror", str(pytui.tmp / "mirror"))
    assert "Traceback" not in ran.stderr, str(ran)
    return ran.returncode, ran.stderr.strip()


def test_an_empty_exports_line_names_the_example_minor(pytui: Pytui) -> None:
    for version in ("3.12.8", "3.13.1", "3.14.0rc2"):
        pytui.add(version)
    way = WAY.format(cache=pytui.cache)
    # Nothing installed: the catalog's newest stable minor, not the release candidate.
    assert _export(pytui) == (1, f"error: {way}install builds first (`pytui install 3.13`), or "
                                 "`pytui cache import FILE`")
    # 3.12 installed and its archive gone from the cache: reinstalled, which downloads it.
    assert pytui.run("install", "3.12").returncode == 0
    shutil.rmtree(pytui.cache)
    assert _export(pytui) == (1, f"error: {way}install builds first (`pytui install --reinstall 3.12`), "
                                 "or `pytui cache import FILE`")
    assert pytui.run("install", "3.12").returncode == 0 and not pytui.cache.exists()  # satisfied
    assert pytui.run("install", "--reinstall", "3.12").returncode == 0
    assert [name.split("-")[2] for name in pytui.cached()] == ["3.12.8"]  # an archive to export now

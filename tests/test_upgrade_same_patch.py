"""`pytui upgrade` to a newer build of the installed patch (same key: the install has no BUILD
file, as older uv versions wrote none, or an older release's) reinstalls it, as uv's does.

Before: the plan chose the catalog's build, the job ran without --reinstall, found the key
installed and did nothing, and upgrade still said "Installed Python 3.11.9 … + cpython-3.11.9-…"
(it printed every outcome, "already" included). The real uv 0.13.9 says `~ cpython-3.11.9-…`
and writes the BUILD file.
"""

from __future__ import annotations

from cli_harness import Pytui, key_of


def test_upgrade_reinstalls_an_install_without_a_build_file(pytui: Pytui) -> None:
    pytui.add("3.11.9")
    pytui.call("install", "3.11")
    build_file = pytui.root / key_of("3.11.9") / "BUILD"
    build_file.unlink()
    done = pytui.run("upgrade")
    assert done.returncode == 0, str(done)
    assert f" ~ {key_of('3.11.9')}" in done.stderr, str(done)
    assert build_file.read_text().strip() == "20250115"


def test_dry_run_says_the_builds_of_a_newer_build_of_the_installed_patch(pytui: Pytui) -> None:
    # It said ` KEY -> KEY`, which reads as nothing to do (newuser31); the TUI's U says the builds.
    key = key_of("3.11.9")
    pytui.add("3.11.9", "20240101")
    pytui.call("install", "3.11")
    pytui.add("3.11.9", "20250115")
    dry = pytui.run("upgrade", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert f" {key} build 20240101 -> build 20250115 (the installed build is replaced)\n" in dry.stderr, str(dry)
    assert f"{key} -> {key}" not in dry.stderr
    (pytui.root / key / "BUILD").unlink()  # as older uv versions wrote none
    dry = pytui.run("upgrade", "--dry-run")
    assert f" {key} an unrecorded build -> build 20250115 (the installed build is replaced)\n" in dry.stderr, str(dry)

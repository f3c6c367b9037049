"""A file in the cache dir under an archive's name that is larger than any archive pytui
downloads (PYTUI_MAX_ARCHIVE_BYTES, 2 GiB): a 1 TiB sparse file takes no disk and reads as
zeros at memory speed. `pytui --offline install` found it not gzip, then hashed it to the end
to say whether it was corrupt, and `cache verify` hashed it: each ran for as long as reading
1 TiB takes (about ten minutes here; ext4 allows 16 TiB), the terminal saying `verify`. Now
neither reads it: the install fails in one line naming it, its size and what to do, and the
verify leaves it unchecked and says so; the file stays (a user who raised the bound for one
large archive must not lose it to a run without the variable).
"""

from __future__ import annotations

import os

import pytest
from cli_harness import Pytui, assert_clean_failure, cache_name


def _huge(pytui: Pytui, version: str) -> str:
    made = pytui.add(version)
    name = cache_name(made)
    pytui.cache.mkdir(parents=True, exist_ok=True)
    try:
        with open(pytui.cache / name, "wb") as f:
            f.truncate(1 << 40)
    except OSError as err:
        pytest.skip(f"this filesystem takes no 1 TiB sparse file: {err}")
    return name


def test_an_install_does_not_read_a_cached_archive_larger_than_any_download(pytui: Pytui) -> None:
    name = _huge(pytui, "3.12.8")
    done = pytui.run("--offline", "install", "3.12")
    line = assert_clean_failure(done)
    assert f"cached archive {name}" in line and "1.0 TiB" in line, line
    assert "PYTUI_MAX_ARCHIVE_BYTES" in line and f"pytui cache purge {name}" in line, line
    assert os.path.getsize(pytui.cache / name) == 1 << 40  # kept: pytui's bound, not proof
    assert pytui.temp_left() == []


def test_verify_leaves_an_archive_larger_than_any_download_unread_and_says_so(pytui: Pytui) -> None:
    name = _huge(pytui, "3.12.8")
    other = pytui.add("3.13.1")
    pytui.call("cache", "import", str(other.path))
    done = pytui.run("cache", "verify")
    assert done.returncode == 0 and "Traceback" not in done.stderr, str(done)
    assert "1 ok" in done.stdout, str(done)
    assert "1 larger than any archive pytui downloads (PYTUI_MAX_ARCHIVE_BYTES) not checked" \
        in done.stdout, str(done)
    assert os.path.getsize(pytui.cache / name) == 1 << 40


def test_the_bound_is_the_runs_settings_not_the_process_environment(
        pytui: Pytui, monkeypatch: pytest.MonkeyPatch) -> None:
    """PYTUI_MAX_ARCHIVE_BYTES is read from the run's `Settings.env`, as a download's bound is
    (TransferLimits.from_env(settings.env)): the cached-archive bound read `os.environ`, so a
    run whose settings set it (the TUI's gateway, an embedding, a test) checked cached
    archives against another bound than its downloads."""
    from pytui.core.cache import ArchiveCache
    from pytui.core.jobs import InstallFailed, InstallJob
    from pytui.core.settings import Settings

    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    name = cache_name(made)
    monkeypatch.setenv("PYTUI_MAX_ARCHIVE_BYTES", str(1 << 40))  # the process's: not the run's
    small = Settings.resolve(env=pytui.env(PYTUI_MAX_ARCHIVE_BYTES="1000"), offline=True)
    report = ArchiveCache(small.cache_dir, small.env).verify()
    assert [archive.name for archive in report.too_large] == [name], report
    with pytest.raises(InstallFailed) as failed:
        InstallJob(made.build, settings=small).run()
    assert f"cached archive {name}" in str(failed.value), str(failed.value)
    assert "more than any archive pytui downloads (1000 B, PYTUI_MAX_ARCHIVE_BYTES)" in str(failed.value)
    monkeypatch.setenv("PYTUI_MAX_ARCHIVE_BYTES", "1000")  # and the other way round
    whole = Settings.resolve(env={key: value for key, value in pytui.env().items()
                                  if key != "PYTUI_MAX_ARCHIVE_BYTES"}, offline=True)
    assert [archive.name for archive in ArchiveCache(whole.cache_dir, whole.env).verify().ok] == [name]
    assert InstallJob(made.build, settings=whole).run().status == "installed"

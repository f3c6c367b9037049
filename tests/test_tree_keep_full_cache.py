"""A cache dir on a small filesystem of its own (a tmpfs) with room for an archive but not for
its unpacked tree: the tree is copied there (another filesystem than the root) and the copy
fills it. The install goes on as an extraction would (nothing but `-v` says the tree was not
kept, and why), nothing half-copied is left under `trees/`, the archive stays byte for byte,
and the next install extracts it again. Real tmpfs mounts: root only, skipped otherwise."""

from __future__ import annotations

import hashlib

from cli_harness import Pytui
from fixtures_archives import MadeArchive
from fixtures_fs import Mounts
from test_install_full_root import _big


def test_a_tree_that_does_not_fit_in_the_cache_is_not_kept_and_the_install_goes_on(
        pytui: Pytui, mounts: Mounts) -> None:
    made: MadeArchive = pytui.add("3.12.8", extra=_big())  # ~6 MiB that does not compress
    mounts.tmpfs(pytui.cache, "9m")  # the archive fits; its tree beside it does not
    result = pytui.run("install", "-v", "3.12")
    assert result.returncode == 0, str(result)
    assert "Installed Python 3.12.8" in result.stderr, str(result)
    [line] = [line for line in result.stderr.splitlines() if "unpacked by" in line]
    assert "its tree could not be kept in the cache (no space left on the device)" in line, line
    assert pytui.trees() == []  # (every entry of trees/: no half-copied tree, no .tmp- left)
    archive = pytui.cache / made.build.cache_filename
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == made.build.sha256
    assert (pytui.root / made.build.key / "lib" / "python3.12" / "big5.bin").stat().st_size == 1 << 20

    again = pytui.run("install", "--reinstall", "3.12")
    assert again.returncode == 0, str(again)
    assert "extract " in again.stderr and pytui.requests(made) == 1, str(again)
    assert pytui.trees() == []


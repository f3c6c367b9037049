"""A symbolic link at a cached archive's name, to a file elsewhere whose bytes are not the
archive's: the install said `… is corrupt …; a new copy has replaced it in the cache since;
install again to use it` (the link's inode is not the file read through it), kept the link, and
every install after failed the same way. Now the link is removed (the file it named untouched)
and the install downloads the archive again, as for a corrupt file."""

from __future__ import annotations

from pathlib import Path

from cli_harness import MadeArchive, Pytui, snapshot
from pytui.core.cache import ArchiveCache


def test_a_link_to_other_bytes_at_the_archive_name_is_removed_and_downloaded_again(
        pytui: Pytui, baseline: MadeArchive, tmp_path: Path) -> None:
    made = pytui.add("3.12.8")
    elsewhere = tmp_path / "elsewhere.tar.gz"
    elsewhere.write_bytes(b"not the archive")
    at_name = ArchiveCache(pytui.cache).path_for(made.build)
    at_name.symlink_to(elsewhere)
    kept = snapshot(pytui.root / baseline.build.key, elsewhere)

    result = pytui.run("install", "3.12")

    assert result.returncode == 0, str(result)
    assert "is corrupt (its sha256 is not the catalog's); removed, downloading it again" in result.stderr
    assert "replaced it" not in result.stderr
    assert not at_name.is_symlink() and at_name.read_bytes() == made.path.read_bytes()
    assert (pytui.root / made.build.key / "bin").is_dir()
    assert snapshot(pytui.root / baseline.build.key, elsewhere) == kept

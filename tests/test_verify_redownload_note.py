"""What verify says comes next for the corrupt archives it removed: an archive the catalog
lists is downloaded again by its next install; one no build in the catalog names (a file left
by an older catalog) is not, and the note must not promise it."""

from __future__ import annotations

from pytui.core.cache import ArchiveCache
from pytui.core.cache_verify import redownload_note, verify_cache
from pytui.core.catalog import Catalog


def _corrupt(path) -> None:
    data = bytearray(path.read_bytes())
    data[500] ^= 0x01
    path.write_bytes(bytes(data))


def _scene(tmp_path, archive_factory):
    listed = archive_factory.pbs(version="3.12.8", build_date="20250115")
    unlisted = archive_factory.pbs(version="3.11.9", build_date="20240814")
    cache = ArchiveCache(tmp_path / "cache")
    cache.root.mkdir()
    for made in (listed, unlisted):
        path = cache.path_for(made.build)
        path.write_bytes(made.path.read_bytes())
    return listed, unlisted, cache


def test_verify_promises_a_download_only_for_what_the_catalog_lists(tmp_path, archive_factory):
    listed, unlisted, cache = _scene(tmp_path, archive_factory)
    _corrupt(cache.path_for(listed.build))
    _corrupt(cache.path_for(unlisted.build))
    # The catalog of today lists only 3.12.8; 3.11.9's archive is checked by its name's prefix.
    report = verify_cache(cache, Catalog([listed.build]))
    removed = [archive for archive, _ in report.corrupt]
    assert sorted(a.name for a in removed) == sorted(
        [listed.build.cache_filename, unlisted.build.cache_filename])
    note = redownload_note(removed)
    assert note == ("the next install downloads again the 1 the catalog lists; it lists no build "
                    "for the other 1")
    only_unlisted = [a for a in removed if a.build is None]
    assert redownload_note(only_unlisted) == (
        "the catalog lists no build for it, so no install downloads it again")
    only_listed = [a for a in removed if a.build is not None]
    assert redownload_note(only_listed) == "the next install downloads it again"

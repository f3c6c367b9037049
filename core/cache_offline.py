"""An offline run's refusal when the cache lacks the archive it needs: uv's line, and what to
do next (another build of the same interpreter in the cache is named). Imported only offline.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pytui.core.errors import OfflineError
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build

if TYPE_CHECKING:
    from pytui.core.cache import ArchiveCache


# What to do when an offline run needs an archive the cache lacks.
OFFLINE_NEXT_STEP = "go online, or import the archive with `pytui cache import FILE`"
# The import, when the cache dir can hold no file (/proc, /sys: core/kernel_fs), into another
# one, which the install then names: `pytui cache import FILE` there fails as the install did.
IMPORT_ELSEWHERE = "import the archive into another directory (`pytui --cache-dir DIR cache import FILE`)"


def unusable_cache_dir(cache_dir: Path | str) -> str | None:
    """Why `cache_dir` can take no file (`/proc is the kernel's proc filesystem, not storage: no
    file can be made there`), so no import into it can work; None when it may (the rule the cache
    dir's own lines follow, core/fs_errors.remedy). Read on a refusal's path only."""
    from pytui.core.kernel_fs import kernel_filesystem_words

    return kernel_filesystem_words(cache_dir)


def offline_step(cache_dir: Path | str) -> str:
    """OFFLINE_NEXT_STEP, or where the cache dir can take no file, what can work: online, only
    an install that caches nothing (--no-cache); offline, an archive imported elsewhere."""
    words = unusable_cache_dir(cache_dir)
    if words is None:
        return OFFLINE_NEXT_STEP
    return f"the cache dir can hold no archive ({words}): go online and install with --no-cache, or {IMPORT_ELSEWHERE} and install with --cache-dir DIR"


def offline_missing(build: Build, urls: Sequence[str], cache_dir: object) -> str | None:
    """uv's line for an archive an offline run needs and the cache lacks, when no `file://`
    URL can serve it (docs/uv-compat.md#offline); None when one can."""
    if any(url.startswith("file:") for url in urls):
        return None
    return (f"An offline Python installation was requested, but {build.key} (from {urls[0]}) "
            f"is missing in {cache_dir}")


# How many cache entries an offline refusal looks through for other builds of its interpreter.
OTHER_BUILDS_SCAN_MAX = 10_000


def offline_next_step(build: Build, cache_dir: Path) -> str:
    """What to do when an offline run needs `build`'s archive and the cache lacks it. Another
    build of the same interpreter in the cache (downloaded under another catalog: a mirror's
    `--downloads-json`) is named, since the catalog's lookup cannot use it, as uv's cannot."""
    others = other_cached_builds(build, cache_dir)
    if not others:
        return offline_step(cache_dir)
    shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    return (f"the cache holds build {shown} of it, which this catalog does not list (run with "
            f"--downloads-json naming the catalog it came from to install that one); or "
            f"{offline_step(cache_dir)}")


def other_cached_builds(build: Build, cache_dir: Path) -> list[str]:
    """The builds (`20250301`), newest first, of complete archives in `cache_dir` that differ
    from `build` by their build only; [] when the dir cannot be read."""
    from pytui.core.cache_names import PART_SUFFIX, parse_cache_name
    from pytui.core.keys import is_digits

    wanted = parse_cache_name(build.cache_filename)
    if wanted is None or wanted.lineage is None:
        return []
    found: dict[str, tuple[tuple[int, int | str], ...]] = {}
    try:
        with os.scandir(cache_dir) as entries:
            for count, entry in enumerate(entries):
                if count >= OTHER_BUILDS_SCAN_MAX:
                    break
                parsed = parse_cache_name(entry.name)
                if (parsed is None or entry.name.endswith(PART_SUFFIX) or parsed.archive is None
                        or parsed.lineage != wanted.lineage or parsed.build_rank == wanted.build_rank):
                    continue
                tag = parsed.archive.build
                # (a name is anyone's text: only a build of digits and dots is repeated)
                if all(is_digits(part) for part in tag.split(".")) and len(tag) <= 32:
                    found[tag] = parsed.build_rank
    except OSError:
        return []
    return sorted(found, key=found.__getitem__, reverse=True)


def refuse_offline(cache: ArchiveCache, build: Build, urls: Sequence[str], shown_dir: object = None) -> None:
    """Raise the offline refusal for `build` unless a `file://` URL can serve it. A cache dir that
    is a file is said first: the archive missing *in* it is not the problem, and importing it
    would fail the same way."""
    missing = offline_missing(build, urls, cache.root if shown_dir is None else shown_dir)
    if missing is None:
        return
    cache.refuse_non_directory()
    raise OfflineError(missing, offline_next_step(build, cache.root))

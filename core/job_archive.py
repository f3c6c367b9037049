"""Where an install job's files come from when no pristine tree is kept: the build's archive,
from the cache (downloaded into it, verified, first if needed) or, with `--no-cache`, streamed
from the server straight into extraction. Imported only then: an install from a kept tree
never executes it (tests/test_install_imports.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.errors import CacheError, ExtractError, HashMismatch, InstalledMeanwhile
from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import Progress, WaitNotes

if TYPE_CHECKING:
    from pytui.core.jobs import InstallJob


def fetch(job: InstallJob) -> tuple[Path, bool]:
    """The cached archive, downloading it (verified) first if it is not there."""
    if job.cache.has(job.build):
        return job.cache.path_for(job.build), False
    from pytui.core.urls import download_urls

    urls = download_urls(job.build, job.settings)
    if job.settings.offline:
        from pytui.core.cache_offline import refuse_offline

        # uv's line, then (after what the job kept) what to do about it.
        refuse_offline(job.cache, job.build, urls, job.settings.cache_dir)
    return job.cache.obtain(job.build, urls, downloader=job.downloader(), progress=job.progress,
                            cancel=job.cancel, on_wait=job.on_wait, installed_now=job.installed_now,
                            held=job.turn_held, trees=not job.settings.no_trees,
                            on_warning=job.on_warning)


def extract_from_archive(job: InstallJob, stage: Path) -> tuple[Path, Path, bool]:
    """The build's archive extracted into `stage`: the cached one, re-hashed as it is read
    (a bad one is removed and fetched once more), or one downloaded (hashed as it arrived).
    Returns (prefix, archive, downloaded); the verified tree is kept for the next install."""
    from pytui.core.extract import archive_kind, extract_archive

    kind = archive_kind(job.build.filename)
    archive, downloaded = fetch(job)
    for attempt in (1, 2):
        target = stage / f"x{attempt}"
        try:
            if downloaded:
                # Hashed as it arrived a moment ago and committed only on a match: no second
                # pass (uv hashes once too). Archives found in the cache are re-checked below.
                prefix = extract_archive(archive, target, kind=kind, name=job.build.filename,
                                         progress=job.progress, cancel=job.cancel,
                                         on_decoder=job.note_decoder)
            else:
                prefix = _extract_verified(job, target, kind)
            job.keep_tree(prefix, archive)
            return prefix, archive, downloaded
        except HashMismatch:
            # The cached file went bad after it was verified (disk, another tool): it is
            # removed by `verify`; fetch it once more.
            if attempt == 2:
                raise
            _say_fetched_again(job, archive, corrupt_line(job.key, archive.name))
        except (ExtractError, CacheError) as err:
            # Gone from the cache since this job found it (another pytui's `cache purge`, or
            # uv's): the purge did what it was asked; fetch it once more, as a corrupt one.
            if attempt == 2 or os.path.lexists(archive):
                if isinstance(err, ExtractError):
                    raise vouched_for(job, err) from None
                raise
            _say_fetched_again(job, archive, vanished_line(job.key, archive.name))
        archive, downloaded = fetch(job)
    raise AssertionError("unreachable")


def vouched_for(job: InstallJob, err: ExtractError) -> ExtractError:
    """`err` for an archive whose sha256 was checked against the catalog (in the cache, on
    arrival, or streamed; a mismatch is said as such before this); as it was with no sha256."""
    if not job.build.sha256:
        return err
    return err.vouched_for(f"{job.build.major}.{job.build.minor}")


def _say_fetched_again(job: InstallJob, archive: Path, line: str) -> None:
    """Why a second download starts (else it starts with no word why); not when none does:
    offline (fetch says uv's line), or when another copy has taken the archive's place."""
    if job.on_warning is not None and not job.settings.offline and not os.path.lexists(archive):
        job.on_warning(line)


def vanished_line(key: str, name: str) -> str:
    """What an install says when its archive left the cache between finding it and reading it."""
    return (f"the archive of {key} ({name}) was removed from the cache by another process (a "
            "purge) after this install found it; downloading it again")


def corrupt_line(key: str, name: str) -> str:
    """What an install says when the cached archive it read fails its sha256 check."""
    return (f"the cached archive of {key} ({name}) is corrupt (its sha256 is not the catalog's); "
            "removed, downloading it again")


def _extract_verified(job: InstallJob, target: Path, kind: str) -> Path:
    """The cached archive extracted into `target`, its hash checked to the last byte."""
    from pytui.core.extract import extract_archive

    with job.cache.open_verified(job.build) as reader:
        try:
            prefix = extract_archive(reader, target, kind=kind, name=job.build.filename,
                                     total=reader.size, progress=job.progress,
                                     cancel=job.cancel, on_decoder=job.note_decoder)
        except ExtractError:
            # A corrupt archive often fails to decompress before its hash could be
            # checked: check it now, so a bad file is named (and removed) as such.
            reader.verify()
            raise
        job.progress(Progress("verify", 0, None))
        reader.verify()
    return prefix


def take_turn(job: InstallJob) -> bool:
    """Take the archive's lock in the cache dir (the `.part.lock` a download into the cache
    holds, core/cache_locks.py) unless the job holds it already, and hold it until the job's
    commit has ended (`job.turn`): a second pytui installing the same build, `--no-cache` or
    from the cache, waits for this one's download or unpacking, then finds the build installed
    by it (`InstalledMeanwhile`) or, a reinstall, links the tree it kept: the archive is
    downloaded once and unpacked once. Returns True when this call waited for another holder.

    Lock order: this lock, then the root's (in the commit); nothing takes them the other way
    round, and uv takes only the root's. A cache dir that cannot hold the lock (not makeable,
    read-only, a name too long) is passed over: the job goes on without it (a download into
    the cache takes the lock itself and says what is wrong; `--no-cache` needs no cache dir).
    A directory or a socket at the lock's name ends the job in one line naming it (a symbolic
    link there is removed, said through `job.on_warning`, core/cache_locks.exclusive), as a download's lock does and as uv does beside a directory or a
    dangling link at its own `<root>/.lock`: the job went on without the lock, unsaid. Offline,
    a cache dir that is not there is not made: nothing is cached to share (and uv's refusal
    comes next)."""
    if job.turn_held or job.turn is None:
        return False
    from pytui.core.cache import LOCK_SUFFIX
    from pytui.core.cache_locks import exclusive

    root = Path(job.settings.cache_dir)
    waited = WaitNotes(job.on_wait)
    try:
        if job.settings.offline and not os.path.isdir(root):
            return False
        os.makedirs(root, exist_ok=True)
        job.turn.enter_context(exclusive(root / (job.build.cache_filename + LOCK_SUFFIX), job.cancel,
                                         job.key, waited, trees=not job.settings.no_trees,
                                         no_cache=job.no_cache, on_warning=job.on_warning))
    except OSError:
        return False  # no lock to share: this install goes on alone, as before
    job.turn_held = True
    if waited:
        installation = job.installed_now()
        if installation is not None:
            raise InstalledMeanwhile(installation)
    return bool(waited)


def extract_streamed(job: InstallJob, stage: Path) -> Path:
    """`--no-cache`: download straight into extraction; verify the hash before commit."""
    from pytui.core.download_policy import mirror_names, mirror_of
    from pytui.core.extract import archive_kind, extract_archive
    from pytui.core.urls import download_urls

    kind = archive_kind(job.build.filename)
    urls = download_urls(job.build, job.settings)
    with job.downloader().stream(urls, expected_sha256=job.build.sha256, progress=job.progress,
                                 cancel=job.cancel, what=job.key,
                                 mirror=mirror_of(job.build.implementation,
                                                  mirror_names(job.settings))) as stream:
        try:
            prefix = extract_archive(stream, stage / "x",
                                     kind=kind, name=job.build.filename,
                                     total=stream.total, cancel=job.cancel,
                                     on_decoder=job.note_decoder)
        except ExtractError as err:
            # Wrong bytes from the server usually fail to decompress first: read the rest
            # and report the hash mismatch (the real cause) when there is one.
            stream.verify()
            raise vouched_for(job, err) from None
        job.progress(Progress("verify", 0, None))
        stream.verify()
    return prefix

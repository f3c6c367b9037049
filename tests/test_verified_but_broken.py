"""An archive whose sha256 is the catalog's but whose data does not extract (cut short before
it was hashed into the catalog, or a zstd frame asking for a 2 GiB window): a hostile mirror
and catalog pair, or a broken release. The line said `(truncated download?); delete the archive
and download it again`, which would fetch the very same bytes: the hash was checked. It now
says so, and what does help (another build). Through the CLI, with the cache and no cache."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from dataclasses import replace

import pytest
from archive_builds import MadeArchive
from archive_writers import file
from cli_harness import Pytui, assert_clean_failure, key_of


def _serve_broken(pytui: Pytui, how: str, extra: tuple = ()) -> MadeArchive:
    made = pytui.make("3.12.8", kind="tar.zst" if how == "window" else "tar.gz", extra=extra)
    if how == "window":
        raw = subprocess.run(["zstd", "-d", "-c", str(made.path)], capture_output=True, check=True).stdout
        # Streamed, so the frame names no content size and asks for its whole 2 GiB window.
        data = subprocess.run(["zstd", "--long=31", "-c", "-"], input=raw, capture_output=True,
                              check=True).stdout
    elif how == "empty":
        import gzip

        data = gzip.compress(b"\0" * 10240)  # a tar with no members: its end blocks alone
    else:
        whole = made.path.read_bytes()
        tar = subprocess.run(["gzip", "-d", "-c"], input=whole, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            last = archive.getmembers()[-1]
        import gzip

        data = gzip.compress(tar[:last.offset_data + 1])  # a whole gzip of a tar cut in a member
    made.path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    return pytui.serve(replace(made, sha256=digest, size=len(data), build=made.build._replace(sha256=digest)))


@pytest.mark.parametrize("no_cache", [False, True])
@pytest.mark.parametrize("how", ["cut", "window", "empty"])
def test_an_archive_the_catalog_vouches_for_that_does_not_extract_says_so(pytui: Pytui, how: str,
                                                                           no_cache: bool) -> None:
    if how == "window" and subprocess.run(["zstd", "--version"], capture_output=True).returncode != 0:
        pytest.skip("zstd is not installed")
    _serve_broken(pytui, how)

    result = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12")

    line = assert_clean_failure(result)
    assert "download it again" not in line and "truncated download" not in line, line
    assert ("its sha256 is the catalog's, so downloading it again would fetch the same bytes; "
            "install another build (pytui list --all-versions 3.12)") in line, line
    assert not (pytui.root / key_of("3.12.8")).exists()
    if how == "window":  # not "corrupt", and not zstd's own flags as advice
        assert "needs more memory to decompress than the 128 MiB pytui allows" in line, line
        assert "corrupt" not in line and "--long" not in line, line


def test_a_member_named_like_the_advice_is_named_whole(pytui: Pytui) -> None:
    # The advice is the error's, not words found in its text: a member's name that holds them
    # stays as it is in the line (they were cut out of it, as if they were the advice).
    name = "x (truncated download?); delete the archive and download it again"
    _serve_broken(pytui, "cut", extra=(file(name, b"x" * 4096),))  # python/ is put before it

    line = assert_clean_failure(pytui.run("install", "3.12"))

    assert f"it ends in the middle of python/{name}; its sha256 is the catalog's" in line, line


def test_the_tui_says_the_jobs_next_step_in_its_own_words(pytui: Pytui) -> None:
    """`install another build` is data on the job's error (PytuiError.parts), not words: the
    CLI's line names its command and the TUI's job line the key `a`, the rest alike. The TUI
    found the CLI's words in the line and replaced them (7bf14f7), so any line holding them,
    a path's or a member's, had them replaced too."""
    from pytui.app.job_bodies import tui_steps
    from pytui.core.errors import said
    from pytui.core.jobs import InstallFailed, InstallJob
    from pytui.core.settings import Settings

    made = _serve_broken(pytui, "cut")
    with pytest.raises(InstallFailed) as failed:
        InstallJob(made.build, settings=Settings.resolve(env=pytui.env())).run()
    cli = str(failed.value)
    assert cli.endswith("install another build (pytui list --all-versions 3.12); nothing was "
                        "installed"), cli
    tui = failed.value.said(tui_steps(made.build.key))
    assert tui == cli.replace("(pytui list --all-versions 3.12)", "(a lists every version)"), tui
    # Words that only look like the step are no step: they stay as they are.
    line = "cannot extract /srv/(pytui list --all-versions 3.12)/a.tar.gz: refused"
    assert said(line, tui_steps(made.build.key)) == line

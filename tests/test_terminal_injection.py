"""Names from other people's archives reach pytui's one-line errors and warnings (a refused
member, a kept tree's changed file): written raw, an ESC sequence in a member name steers the
user's terminal (OSC 0 sets its title, OSC 52 writes the clipboard). Every error and warning
line the CLI prints (app/style.py `error`, `warning`) is escaped (app/safe_text.shown)."""

from __future__ import annotations

from dataclasses import replace

from cli_harness import ARCH, LIBC, OS, Pytui, assert_clean_failure
from fixtures_archives import (
    MadeArchive,
    file,
    make_build,
    pbs_prefix_members,
    sha256_of,
    write_archive,
)

OSC = "\x1b]52;c;cHduZWQ=\x07"


def test_a_refused_member_named_with_escapes_is_shown_escaped(pytui: Pytui) -> None:
    members = [replace(m, name=f"python/{m.name}") for m in pbs_prefix_members("3.11.9", os_name=OS, arch=ARCH,
                                                                               libc=LIBC)]
    members.append(file(f"python/lib/../../{OSC}", "x\n"))
    build = make_build(version="3.11.9", os_name=OS, arch=ARCH, libc=LIBC)
    path = write_archive(pytui.archives / build.release_filename, members)
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="tar.gz"))

    result = pytui.run("install", "3.11")

    line = assert_clean_failure(result)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr, repr(result.stderr)
    assert "\\x1b]52;c;cHduZWQ=\\x07" in line, line  # named, escaped
    assert not (pytui.root / build.key).exists() and pytui.temp_left() == []


def test_a_changed_tree_file_named_with_escapes_is_warned_about_escaped(pytui: Pytui) -> None:
    """A kept tree's file (its name from the archive) changed: the warning names it escaped."""
    members = [replace(m, name=f"python/{m.name}") for m in pbs_prefix_members("3.11.9", os_name=OS, arch=ARCH,
                                                                               libc=LIBC)]
    members.append(file(f"python/lib/{OSC}.txt", "x\n"))
    build = make_build(version="3.11.9", os_name=OS, arch=ARCH, libc=LIBC)
    path = write_archive(pytui.archives / build.release_filename, members)
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="tar.gz"))
    first = pytui.run("install", "3.11")
    assert first.returncode == 0, str(first)
    (kept,) = pytui.cache.rglob(f"tree/lib/{OSC}.txt")
    with open(kept, "a") as handle:  # an edit in place: the tree changed
        handle.write("edited\n")

    again = pytui.run("install", "--reinstall", "3.11")

    assert again.returncode == 0, str(again)
    assert "\x1b" not in again.stderr and "\x07" not in again.stderr, repr(again.stderr)
    assert "\\x1b]52;c;cHduZWQ=\\x07" in again.stderr


def test_a_servers_reason_phrase_in_a_retry_note_is_shown_escaped(pytui: Pytui) -> None:
    """A mirror answering 503 with an OSC 52 in its reason phrase: each retry's note (a plain
    line above the bars, not an error line) names the reason, escaped as the error line does."""
    pytui.add("3.12.8", faults={"mode": "reason", "mode_args": {"reason": f"Busy {OSC}"}})

    result = pytui.run("install", "3.12")

    line = assert_clean_failure(result)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr, repr(result.stderr)
    notes = [n for n in result.stderr.splitlines() if ": retrying in " in n]
    assert len(notes) == 3, result.stderr
    assert all(n.endswith("HTTP 503 Busy \\x1b]52;c;cHduZWQ=\\x07") for n in notes), notes
    assert "HTTP 503 Busy \\x1b]52;c;cHduZWQ=\\x07" in line

"""`pytui install REQ` for a request already installed restores the links a killed run (or a
user) removed, as uv does. When it cannot (uv or another pytui holds the install root's lock,
the root refuses writes) it said nothing: "already installed", exit 0, and the links stayed
missing with no word why. Now one warning line names the links, the cause and what to do."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from subprocess import Popen

import pytest
from cli_harness import Pytui, key_of, minor_of
from fixtures_fs import mounted


def _without_links(pytui: Pytui) -> tuple[os.PathLike, os.PathLike]:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    minor, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    minor.unlink()
    link.unlink()
    return minor, link


def _warned(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def test_links_not_restored_while_another_process_holds_the_lock_are_said(pytui: Pytui) -> None:
    minor, link = _without_links(pytui)
    fd = os.open(pytui.root / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as uv holds it while it installs
        result = pytui.run("install", "3.12")
    finally:
        os.close(fd)
    assert result.returncode == 0 and "already installed" in result.stderr, str(result)
    warned = _warned(result.stderr)
    assert len(warned) == 1, str(result)
    assert minor_of("3.12.8") in warned[0] and "python3.12" in warned[0], warned
    assert "lock" in warned[0] and "pytui install cpython-3.12.8" in warned[0], warned
    assert not os.path.lexists(minor) and not os.path.lexists(link)
    # Once the lock is free, the same command restores them.
    again = pytui.run("install", "3.12")
    assert again.returncode == 0 and _warned(again.stderr) == [], str(again)
    assert os.path.lexists(minor) and os.path.lexists(link)


def test_links_not_restored_in_a_read_only_root_are_said(pytui: Pytui) -> None:
    with mounted() as mounts:
        mounts.tmpfs(pytui.root)
        minor, link = _without_links(pytui)
        before = pytui.state()
        mounts.remount(pytui.root, "ro")
        result = pytui.run("install", "3.12")
        assert result.returncode == 0 and "already installed" in result.stderr, str(result)
        warned = _warned(result.stderr)
        assert len(warned) == 1, str(result)
        assert minor_of("3.12.8") in warned[0] and "read-only" in warned[0], warned
        assert "Traceback" not in result.stderr
        assert pytui.state() == before


def test_links_that_lead_nowhere_are_restored_as_uv_restores_them(pytui: Pytui) -> None:
    """`python3.12` left pointing into an install root since removed, and the minor-version
    link into a patch since removed: uv's `python install 3.12` makes both again (uv 0.13);
    pytui said "already installed" and left them leading nowhere (only --force mended them)."""
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    minor, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    expected = (os.readlink(minor), os.readlink(link))
    link.unlink()
    link.symlink_to(pytui.tmp / "removed-root" / "cpython-3.12.1-linux-x86_64-gnu" / "bin" / "python3.12")
    minor.unlink()
    minor.symlink_to(pytui.root / "cpython-3.12.99-linux-x86_64-gnu")
    result = pytui.run("install", "3.12")
    assert result.returncode == 0 and "already installed" in result.stderr, str(result)
    assert _warned(result.stderr) == [], str(result)
    assert (os.readlink(minor), os.readlink(link)) == expected


@pytest.mark.parametrize("already", [False, True])
def test_a_symlink_loop_at_the_bin_name_is_left_as_uv_leaves_it(pytui: Pytui, already) -> None:
    """A loop is no link that leads nowhere but something uv calls "not managed by uv" and
    leaves without --force; pytui replaced it as a broken link."""
    pytui.add("3.12.8")
    link = pytui.bin / "python3.12"
    if already:
        pytui.call("install", "3.12")
        link.unlink()
    pytui.bin.mkdir(exist_ok=True)
    link.symlink_to(link)
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert os.readlink(link) == str(link)
    if not already:
        warned = [line for line in _warned(result.stderr) if "PATH" not in line]
        assert len(warned) == 1 and "not managed by uv or pytui" in warned[0], warned


def test_an_install_without_its_interpreter_is_not_said_to_lack_links(pytui: Pytui) -> None:
    """`python3.12` leads nowhere because the install's own interpreter is gone (an incomplete
    install): no link would run anything, so none is "missing" (the TUI's Details would say
    `i restores it` and `i` could not); `x` says the install is incomplete."""
    from pytui.core.link_repair import missing_links
    from pytui.core.settings import Settings

    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    os.unlink(pytui.root / made.build.key / "bin" / "python3.12")
    settings = Settings.resolve(install_dir=pytui.root, cache_dir=pytui.cache,
                                env={"UV_PYTHON_BIN_DIR": str(pytui.bin), "HOME": str(pytui.tmp)})
    assert settings.bin_dir == pytui.bin
    assert missing_links(pytui.root, settings, made.build.key) == []


REPLACING_A_LINK = "pytui.core.root_links.RootLinking/_replace_symlink"


def _paused_replacing_a_link_leading_nowhere(pytui: Pytui, which: str) -> tuple[Path, Popen[str]]:
    """3.12 installed, its minor-version or bin link made to lead nowhere, and an install
    paused as it replaces that link, the link gone from its name: (the name, the process)."""
    from step_hook import paused_at

    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    minor, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    name = minor if which == "minor" else link
    name.unlink()
    name.symlink_to(pytui.tmp / "removed" / "cpython-3.12.1-linux-x86_64-gnu")  # leads nowhere
    proc = paused_at(pytui, REPLACING_A_LINK, "install", "3.12", when=f"str(args[2]) == {str(name)!r}")
    name.unlink()
    return name, proc


@pytest.mark.parametrize("which", ["minor", "bin"])
def test_a_file_put_at_a_links_name_while_it_is_replaced_stays(pytui: Pytui, which) -> None:
    """A link found leading nowhere is replaced; a file a user puts at its name between that
    look and the replacement (uv and pytui hold the root's lock, a user does not) was
    overwritten by the new link. It is now put back, and the link is left out with a warning
    that names what is there."""
    from step_hook import resume

    name, proc = _paused_replacing_a_link_leading_nowhere(pytui, which)
    name.write_bytes(b"mine\n")
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert not name.is_symlink() and name.read_bytes() == b"mine\n"
    assert not [entry for entry in os.listdir(name.parent) if entry.startswith(".link-")]
    if which == "bin":
        warned = [line for line in _warned(err) if "PATH" not in line]
        assert len(warned) == 1 and "became a regular file while pytui linked it" in warned[0], err
        assert "it was left as it is" in warned[0], err


def test_a_fifo_at_a_linking_record_does_not_hold_a_reinstall(pytui: Pytui) -> None:
    # `.temp/KEY.linking` is opened for writing before the swap; a FIFO there (kept by the
    # clean-up while the bin link is missing) blocked that open forever, under the root's lock.
    from cli_harness import finish, key_of

    _minor, link = _without_links(pytui)
    os.mkfifo(pytui.root / ".temp" / f"{key_of('3.12.8')}.linking")
    result = finish(pytui.popen("install", "--reinstall", "3.12"))
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    assert os.path.islink(link) and pytui.temp_left() == [], str(result)


@pytest.mark.parametrize("which", ["minor", "bin"])
def test_a_symlink_put_at_a_links_name_while_it_is_replaced_stays(pytui: Pytui, which) -> None:
    """As a file above, a symlink a user (or another process) puts at the name between the
    look and the exchange was taken for the link looked at and removed. It is now put back,
    and the bin link's warning names what is there and that it was left as it is."""
    from step_hook import resume

    name, proc = _paused_replacing_a_link_leading_nowhere(pytui, which)
    users = pytui.tmp / "users-own-python"
    name.symlink_to(users)
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert name.is_symlink() and os.readlink(name) == str(users)
    assert not [entry for entry in os.listdir(name.parent) if entry.startswith(".link-")]
    if which == "bin":
        warned = [line for line in _warned(err) if "PATH" not in line]
        assert len(warned) == 1 and f"became a symlink to {users} while pytui linked it" in warned[0], err
        assert "it was left as it is" in warned[0], err


def test_a_fifo_put_at_the_minor_links_name_is_named_by_the_bin_links_warning(pytui: Pytui) -> None:
    """`python3.12` leads through the minor-version link; a FIFO put at that link's name while
    a reinstall runs is left alone (not pytui's), and the bin link step said `Executable
    already exists … not managed by uv or pytui`, of pytui's own link. It names the FIFO."""
    from step_hook import paused_at, resume

    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    minor, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    assert os.readlink(link).startswith(str(minor))
    proc = paused_at(pytui, "pytui.core.root_links.RootLinking/update_minor_link",
                     "install", "--reinstall", "3.12")
    minor.unlink()
    os.mkfifo(minor)
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert stat.S_ISFIFO(os.lstat(minor).st_mode) and os.readlink(link).startswith(str(minor))
    warned = [line for line in _warned(err) if "PATH" not in line]
    assert len(warned) == 1, err
    assert f"leads through {minor}, which is now a FIFO, not a link pytui made" in warned[0], err
    assert "not managed" not in err, err


def test_a_record_left_for_a_key_not_installed_never_marks_a_no_bin_install(pytui: Pytui) -> None:
    """A run killed between its linking record and its swap leaves `.temp/KEY.linking` for a
    key not installed; the next install's clean-up removes it. When another process held the
    root's lock at that clean-up (skipped, never waited for), a `--no-bin` install of the key
    kept the record, and the TUI marked its bin link missing (`i` would make it)."""
    from cli_harness import finish, key_of
    from pytui.core.link_repair import missing_links
    from pytui.core.settings import Settings
    from step_hook import killed_at

    pytui.add("3.12.8")
    killed_at(pytui, "pytui.core.install_root.InstallRoot/_swap_in", "install", "3.12")
    record = pytui.root / ".temp" / f"{key_of('3.12.8')}.linking"
    assert record.exists() and not (pytui.root / key_of("3.12.8")).exists()
    held = os.open(pytui.root / ".lock", os.O_RDWR)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as uv or another pytui at work
        proc = pytui.popen("install", "--no-bin", "3.12")
        assert proc.stderr is not None
        said = [proc.stderr.readline()]
        while said[-1] and "waiting for the lock on" not in said[-1]:  # (an event: its line)
            said.append(proc.stderr.readline())
        assert said[-1], said
    finally:
        os.close(held)
    result = finish(proc)
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    settings = Settings.resolve(install_dir=pytui.root, cache_dir=pytui.cache,
                                env={"UV_PYTHON_BIN_DIR": str(pytui.bin), "HOME": str(pytui.tmp)})
    assert not os.path.lexists(pytui.bin / "python3.12") and not record.exists()
    assert missing_links(pytui.root, settings, key_of("3.12.8")) == []


def _changed(result, key: str) -> list[str]:
    """The lines `pytui install` says of `key`'s links: uv's ` + ` lines and pytui's which."""
    return [line for line in result.stderr.splitlines() if line.startswith((f" + {key}", f"{key}:"))]


def test_install_says_which_link_was_made_re_pointed_or_restored(pytui: Pytui) -> None:
    """`pytui install KEY` on an install already there printed ` + KEY (python3.12)` whether
    the link was made, re-pointed or restored (and nothing for the minor-version link); the
    TUI said which. uv's ` + ` line stays (uv prints it in all three cases, on stderr as
    pytui does; stdout stays empty), and one line after it says which, in the TUI's words."""
    pytui.add("3.12.7")
    pytui.add("3.12.8")
    old, new = key_of("3.12.7"), key_of("3.12.8")
    link, minor = pytui.bin / "python3.12", pytui.root / minor_of("3.12.8")
    pytui.call("install", "--no-bin", "3.12.8")
    made = pytui.run("install", new)
    assert made.returncode == 0 and made.stdout == "", str(made)
    assert _changed(made, new) == [f" + {new} (python3.12)",
                                   f"{new}: its link python3.12 was made (it had none)"], str(made)
    pytui.call("install", "3.12.7")
    link.unlink()  # as uv's `python install 3.12.7` links it: to that patch
    link.symlink_to(pytui.root / old / "bin" / "python3.12")
    repointed = pytui.run("install", new)
    assert repointed.returncode == 0 and repointed.stdout == "", str(repointed)
    assert _changed(repointed, new) == [f" + {new} (python3.12)",
                                        f"{new}: python3.12 was re-pointed to it (it ran {old})"], \
        str(repointed)
    minor.unlink()  # as a user (or a run killed before its links) leaves it
    restored = pytui.run("install", new)
    assert restored.returncode == 0 and restored.stdout == "", str(restored)
    # python3.12 led through the minor-version link: it was lost with it, not never made.
    assert _changed(restored, new) == [f"{new}: its missing links were restored: {minor.name}, "
                                       "python3.12"], str(restored)
    assert os.path.realpath(link) == str(pytui.root / new / "bin" / "python3.12")
    assert os.path.realpath(minor) == str(pytui.root / new)
    again = pytui.run("install", new)
    assert _changed(again, new) == [], str(again)

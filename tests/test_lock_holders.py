"""core/lock_holders.py: who holds an flock, from /proc/locks and the holder's command line,
as a lock wait's line names it. A real holder, and a /proc made by the test for what a real one
rarely shows (a holder in another pid namespace, hostile command lines, junk lines)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytui.core.lock_holders import lock_holder


def _holder_of(path: Path) -> str | None:
    """What a waiter on `path`'s lock is told of its holder."""
    fd = os.open(path, os.O_RDWR)
    try:
        return lock_holder(fd)
    finally:
        os.close(fd)


def test_a_real_holder_is_named_by_pid_and_command(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        said = _holder_of(path)
    finally:
        holder.kill()
        holder.wait()
    assert said is not None and said.startswith(f"pid {holder.pid}: python"), said
    assert " -c import fcntl" in said and len(said) < 100, said


def test_nobody_holding_it_is_none(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "x.lock", os.O_RDWR | os.O_CREAT)
    try:
        assert lock_holder(fd) is None
        fcntl.flock(fd, fcntl.LOCK_EX)  # this process's own lock is not another's
        assert lock_holder(fd) is None
    finally:
        os.close(fd)


def _fake_proc(tmp_path: Path, fd: int, pid: str, cmdline: bytes | None, extra: str = "") -> str:
    st = os.fstat(fd)
    ident = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "locks").write_text(f"{extra}1: POSIX  ADVISORY  WRITE 77 {ident} 0 EOF\n"
                                f"2: -> FLOCK  ADVISORY  WRITE 78 {ident} 0 EOF\n"
                                f"3: FLOCK  ADVISORY  WRITE {pid} {ident} 0 EOF\n")
    if cmdline is not None and pid.isdigit():
        (proc / pid).mkdir()
        (proc / pid / "cmdline").write_bytes(cmdline)
    return str(proc)


@pytest.mark.parametrize(("pid", "cmdline", "said"), [
    ("4242", b"/venv/bin/python3\0/venv/bin/pytui\0install\x003.12\0", "pid 4242: pytui install 3.12"),
    ("4242", b"/usr/bin/uv\0python\0install\x003.12\x003.13\0--force\0", "pid 4242: uv python install 3.12 …"),
    ("4242", b"ev\x1b[2Jil\0\xe2\x80\xae\0", "pid 4242: ev?[2Jil ?"),
    ("4242", b"x" * 5000, "pid 4242: " + "x" * 39 + "…"),
    # a path too long is cut after a `/` (the TUI's row read `flock ~/.local/share/uv/p…`)
    ("4242", b"flock\x00/home/someone/.local/share/uv/python/.lock\x00sleep\x00600\x00",
     "pid 4242: flock /home/someone/.local/share/uv/python/… sleep 600"),
    ("4242", b"python3\0-c\0import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\0",
     "pid 4242: python3 -c import fcntl, os, sys; fd =…"),
    # a password longer than a shown word: masked before the cut, which would take its `@`
    ("4242", b"uv\0--mirror\0https://me:" + b"s3cret" * 8 + b"@m.example/\0",
     "pid 4242: uv --mirror https://me:****@m.example/"),
    ("4242", b"uv\0--mirror=https://me:s3cret@m.example/\0", "pid 4242: uv --mirror=https://me:****@m.example/"),
    ("4242", None, "pid 4242"),
    ("4242", b"", "pid 4242"),
    ("0", b"uv\0", None),  # a holder in another pid namespace
    ("-1", b"uv\0", None),
    ("٤٢", b"uv\0", None),
])
def test_what_proc_says_is_read_as_hostile(tmp_path: Path, pid: str, cmdline: bytes | None,
                                           said: str | None) -> None:
    fd = os.open(tmp_path / "x.lock", os.O_RDWR | os.O_CREAT)
    try:
        proc = _fake_proc(tmp_path, fd, pid, cmdline, extra="junk\n\n4: FLOCK\n")
        assert lock_holder(fd, proc=proc) == said
    finally:
        os.close(fd)


def test_no_proc_is_none(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "x.lock", os.O_RDWR | os.O_CREAT)
    try:
        assert lock_holder(fd, proc=str(tmp_path / "none")) is None
    finally:
        os.close(fd)


def test_a_holder_that_exited_gives_way_to_the_child_that_holds_the_lock(tmp_path: Path) -> None:
    """`flock FILE cmd` killed leaves `cmd` holding the lock, and /proc/locks still names the
    flock's pid (the pid that took it): the wait line said `held by pid 10442`, a process long
    gone (newuser36). The live child is named, not a waiter that has the file open too."""
    path = tmp_path / "x.lock"
    # The parent takes the lock, starts a child holding the same descriptor, says its pid, exits.
    parent = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, subprocess, sys; fd = os.open(sys.argv[1], "
         "os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); child = subprocess.Popen("
         "[sys.executable, '-c', 'import sys; sys.stdin.read()'], pass_fds=(fd,)); "
         "print(child.pid, flush=True)", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    parent.wait()
    waiter = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
         "print('open', flush=True); fcntl.flock(fd, fcntl.LOCK_EX)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert waiter.stdout is not None and waiter.stdout.readline().strip() == "open"
        said = _holder_of(path)
    finally:
        assert parent.stdin is not None
        parent.stdin.close()  # the child's stdin: it ends, the lock goes, the waiter takes it
        waiter.wait()
    assert said is not None and said.startswith(f"pid {child_pid}: python -c import sys"), (said, child_pid)

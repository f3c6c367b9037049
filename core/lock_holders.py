"""Who holds an flock another process waits for: the line a wait says names it (`pid 4242:
uv python install 3.12`), so a user who sees pytui waiting knows which process to finish or
end. Read from Linux's /proc/locks (the pid that took each lock, by device and inode) and the
holder's /proc/<pid>/cmdline, each bounded; elsewhere, or when /proc says nothing usable (a
holder in another pid namespace shows as pid 0), None, and the line says what it said before.
A holder /proc/locks names that has exited (it keeps the pid that took the lock) gives way to
a live process whose descriptor holds the lock (its fdinfo says so). Looked at once, when a
wait starts.
"""

from __future__ import annotations

import os

from pytui.core.bounded_read import read_at_most
from pytui.core.url_secrets import without_secrets

PROC_LOCKS = "/proc/locks"
# The holder as a wait line names it (`held by pid 42: uv python install 3.12, which …` for the
# root's lock, `(pid 42: pytui install 3.12; x.part.lock)` for a download's), up to the
# `, which` / `; ` / `)` after it: what a narrow terminal's cut keeps (the CLI's bar and the
# TUI's job row).
HOLDER_PHRASE = r"(?:held by )?pid \d+(?:: .*?)?(?=, which |; |\)|$)"
HOLDER_PID = r"(?:held by )?pid \d+"
# /proc/locks has a line per lock on the machine: a bound far above a busy host's.
MAX_LOCKS_BYTES = 4 * 1024 * 1024
MAX_CMDLINE_BYTES = 4096
# Looking for a live holder when the one /proc/locks names is gone: every process's open
# descriptors, bounded (a busy host has some 10^4), and each fdinfo read is a few lines.
MAX_SCANNED_FDS = 200_000
MAX_FDINFO_BYTES = 64 * 1024
# What of the holder's command line is shown: its first words, each and all cut.
SHOWN_WORDS = 4
SHOWN_WORD_CHARS = 40
SHOWN_CHARS = 80


class Holder:
    """A process holding an flock: its pid (a live one: `_live_holder`) and the words a wait
    line names it by, `pid 4242: uv python install 3.12`."""

    __slots__ = ("pid", "words")

    def __init__(self, pid: int, words: str) -> None:
        self.pid = pid
        self.words = words


def lock_holder(fd: int, proc: str = "/proc") -> str | None:
    """`pid 4242: uv python install 3.12` for the process holding an flock on the file open as
    `fd` (`pid 4242` when its command line cannot be read); None when none can be named."""
    found = find_holder(fd, proc)
    return found.words if found is not None else None


class FlockTable:
    """/proc/locks read once for many files (a listing's `.part` locks, every look of the disk
    watch): the pid holding each flock by the file's `dev:ino`, and each holder's command read
    once however many files it holds (5,000 `.part` locks one process holds: 191 ms of CPU a
    look with a read of each, for the same words)."""

    __slots__ = ("commands", "pids")

    def __init__(self, pids: dict[str, str]) -> None:
        self.pids = pids
        self.commands: dict[str, str] = {}

    def command(self, proc: str, pid: str) -> str:
        if pid not in self.commands:
            self.commands[pid] = _command_line(os.path.join(proc, pid, "cmdline"))
        return self.commands[pid]


def find_holder(fd: int, proc: str = "/proc", table: FlockTable | None = None) -> Holder | None:
    """The process holding an flock on the file open as `fd` (`lock_holder`), or None. `table`:
    `flock_table` read once for many files, else /proc/locks is read here."""
    try:
        st = os.fstat(fd)
        if table is None:
            table = flock_table(proc)
    except OSError:
        return None
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pid = table.pids.get(wanted)
    if pid is None:
        return None
    if pid not in table.commands and not os.path.exists(os.path.join(proc, pid)):
        # /proc/locks keeps the pid that took the lock: gone, a child it started holds it
        # (`flock FILE cmd` killed, its cmd running), which is the process to name.
        pid = _live_holder(proc, st, wanted) or pid
    command = table.command(proc, pid)
    return Holder(int(pid), f"pid {int(pid)}: {command}" if command else f"pid {int(pid)}")


def flock_table(proc: str = "/proc") -> FlockTable:
    """The pid holding each flock on the machine, by the file's `dev:ino` as /proc/locks names
    it (the first holder listed; waiters and this process left out). Raises OSError."""
    text = _read(os.path.join(proc, "locks"), MAX_LOCKS_BYTES).decode("ascii", "replace")
    table: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split()
        # `3: FLOCK  ADVISORY  WRITE 30522 fe:00:2147162 0 EOF`; a waiter's has `->` after `3:`.
        if len(fields) < 6 or fields[1] != "FLOCK":
            continue
        pid = fields[4]
        if not pid.isascii() or not pid.isdigit() or int(pid) <= 0 or int(pid) == os.getpid():
            continue
        table.setdefault(fields[5], pid)
    return FlockTable(table)


def _live_holder(proc: str, st: os.stat_result, wanted: str) -> str | None:
    """The pid of a live process holding the flock on the file `st` (by `wanted`, its
    /proc/locks identity): one with a descriptor of the file whose fdinfo lists the lock (a
    waiter's lists none). At most MAX_SCANNED_FDS descriptors looked at."""
    budget = MAX_SCANNED_FDS
    try:
        pids = [name for name in os.listdir(proc) if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        if int(pid) == os.getpid():
            continue
        try:
            fds = os.listdir(os.path.join(proc, pid, "fd"))
        except OSError:
            continue  # gone meanwhile, or another user's
        for fd in fds[:budget]:
            try:
                target = os.stat(os.path.join(proc, pid, "fd", fd))
                if (target.st_dev, target.st_ino) != (st.st_dev, st.st_ino):
                    continue
                info = _read(os.path.join(proc, pid, "fdinfo", fd), MAX_FDINFO_BYTES)
            except OSError:
                continue
            if any(line.split()[2:3] == ["FLOCK"] and wanted in line.split()
                   for line in info.decode("ascii", "replace").splitlines() if line.startswith("lock:")):
                return pid
        budget -= len(fds)
        if budget <= 0:
            return None
    return None


def _command_line(path: str) -> str:
    """The process's command as people read it: `pytui install 3.12` for a console script
    run by its interpreter (`/venv/bin/python3 /venv/bin/pytui install 3.12`); first words
    only, URL passwords masked, cut, every character that is not printable ASCII shown as `?`."""
    try:
        raw = _read(path, MAX_CMDLINE_BYTES)
    except OSError:
        return ""
    # A password in a URL on the holder's command line (`--mirror https://u:p@host/`) is masked
    # as uv masks it, before any cut could take the `@` that shows where it ends.
    words = [without_secrets(w.decode("utf-8", "replace")) for w in raw.split(b"\0") if w]
    if not words:
        return ""
    words[0] = os.path.basename(words[0])
    if len(words) > 1 and words[0].startswith("python") and words[1].startswith("/"):
        words = [os.path.basename(words[1]), *words[2:]]
    shown = " ".join(_cut(_printable(w), SHOWN_WORD_CHARS) for w in words[:SHOWN_WORDS])
    return _cut(shown, SHOWN_CHARS) + (" …" if len(words) > SHOWN_WORDS else "")


def _cut(text: str, chars: int) -> str:
    """`text` in `chars` characters, cut where a word or a path's name ends (`flock
    ~/.local/share/uv/…`, never `uv/p…`); inside a word only when it has no such end."""
    if len(text) <= chars:
        return text
    from pytui.core.wait_cut import boundary_head  # only for a command too long to show

    return (boundary_head(text, chars - 1) or text[:chars - 1]) + "…"


def _printable(word: str) -> str:
    return "".join(c if " " <= c <= "~" else "?" for c in word)


def _read(path: str, limit: int) -> bytes:
    """Up to `limit` bytes of a /proc file (whose size says 0; a longer one is cut)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        return read_at_most(fd, limit)
    finally:
        os.close(fd)

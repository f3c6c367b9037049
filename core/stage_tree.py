"""Writing an archive's members into a stage directory, never through a link.

Every write is made relative to a directory fd reached from the stage's own fd one component
at a time with O_NOFOLLOW (`core/nofollow.py`): a symlink anywhere on a member's path is
refused, whatever the names say and whatever links earlier members made. Files are created
O_EXCL|O_NOFOLLOW; a later member of the same name replaces a file or link (never a
directory) instead of writing where it points. Hard links must name a regular file already
extracted. Symlinks are resolved through the real tree when made, and all of them again
once the tree is complete, against the part that gets installed (`check_links`): a later
member can change what an earlier link leads to.

Open directory fds are kept in a small LRU (tar members come in directory order), so the
walk costs one `openat` per new directory, not one per component per member. Small files are
created by a few writer threads (`core/file_writers.py`) through a dup of the same directory
fd; any step touching a name still being written first waits for the writers (`flush`).
"""

from __future__ import annotations

import os
import stat

from pytui.core.file_writers import FileWriters, write_new_file
from pytui.core.member_policy import MAX_MEMBERS, Refused, check_link_target, clean_name, shorten
from pytui.core.nofollow import (
    NEW_FILE_FLAGS,
    LinkInPath,
    LinkLoop,
    NotADirectory,
    lstat_at,
    open_child_dir,
    open_root,
    resolve_link,
)

_FD_CACHE = 64


class StageTree:
    """Members applied to `dest`, a fresh directory; remembers the top level and the symlinks."""

    def __init__(self, dest: str, *, writer_threads: int = 0) -> None:
        self.dest = dest
        self.root_fd = open_root(dest)
        self._fds: dict[str, int] = {}
        self.symlinks: set[str] = set()
        self.tops: dict[str, None] = {}
        self.members = 0
        self.files = 0
        self._writers = FileWriters(writer_threads) if writer_threads else None
        # Names handed to the writers since the last flush, and directory fds evicted from the
        # cache meanwhile (the writers may still use them: closed at the flush).
        self._pending: set[str] = set()
        self._retired: list[int] = []

    def close(self) -> None:
        if self._writers is not None:
            self._writers.close()
        for fd in (*self._fds.values(), *self._retired):
            os.close(fd)
        self._fds.clear()
        self._retired.clear()
        os.close(self.root_fd)

    def flush(self) -> None:
        """Wait until every file handed to the writers is written (raises the first failure)."""
        if self._writers is not None:
            self._pending.clear()
            try:
                self._writers.flush()
            finally:
                for fd in self._retired:
                    os.close(fd)
                self._retired.clear()

    def _settle(self, *names: str) -> None:
        """Flush first when one of `names` is still being written."""
        pending = self._pending
        if pending and any(name in pending for name in names):
            self.flush()

    def __enter__(self) -> StageTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- bookkeeping -----------------------------------------------------------------------------
    def count(self, name: str) -> None:
        """One more member named `name` (cleaned, non-empty): the member cap and the top level."""
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise Refused(name, f"is past the {MAX_MEMBERS} members an archive may hold")
        top = name.split("/", 1)[0]
        if top not in self.tops and len(self.tops) < 100:
            self.tops[top] = None

    def single_top_dir(self) -> str | None:
        """The one top-level entry when it is a real directory (uv strips it), else None."""
        if len(self.tops) != 1:
            return None
        top = next(iter(self.tops))
        st = lstat_at(self.root_fd, top)
        return top if st is not None and stat.S_ISDIR(st.st_mode) else None

    # -- directories -----------------------------------------------------------------------------
    def _remember(self, path: str, fd: int) -> None:
        fds = self._fds
        fds[path] = fd
        if len(fds) > _FD_CACHE:
            oldest = fds.pop(next(iter(fds)))
            if self._pending:
                self._retired.append(oldest)
                if len(self._retired) > _FD_CACHE:
                    self.flush()
            else:
                os.close(oldest)

    def dir_fd(self, path: str, member: str, *, create: bool = True) -> int:
        """fd of directory `path` ('' = the stage), made when missing; a link on the way is refused.

        The fd belongs to the cache: use it before the next call.
        """
        if not path:
            return self.root_fd
        fds = self._fds
        fd = fds.pop(path, None)
        if fd is not None:
            fds[path] = fd  # most recently used
            return fd
        # Start from the deepest directory already open.
        fd = self.root_fd
        start = 0
        cut = path.rfind("/")
        while cut > 0:
            found = fds.get(path[:cut])
            if found is not None:
                fd, start = found, cut + 1
                break
            cut = path.rfind("/", 0, cut)
        while True:
            slash = path.find("/", start)
            end = len(path) if slash < 0 else slash
            sub = path[:end]
            if self._pending and sub in self._pending:
                self.flush()
            try:
                child = open_child_dir(fd, path[start:end], sub, create=create)
            except LinkInPath:
                raise Refused(member, f"passes through the symlink {sub}") from None
            except NotADirectory:
                raise Refused(member, f"needs {sub} to be a directory, but it is a file") from None
            self._remember(sub, child)
            if slash < 0:
                return child
            fd = child
            start = slash + 1

    def directory(self, name: str) -> None:
        if name in self._fds:
            return
        self._settle(name)
        parent, _, base = name.rpartition("/")
        parent_fd = self.dir_fd(parent, name)
        try:
            os.mkdir(base, 0o777, dir_fd=parent_fd)
        except FileExistsError:
            st = os.stat(base, dir_fd=parent_fd, follow_symlinks=False)
            if stat.S_ISLNK(st.st_mode):
                raise Refused(name, "is a directory replacing a symlink") from None
            if not stat.S_ISDIR(st.st_mode):
                raise Refused(name, "is a directory replacing a file") from None

    # -- files and links -------------------------------------------------------------------------
    def _clear(self, parent_fd: int, base: str, name: str) -> None:
        """A later member replaces an earlier one of the same name (never a directory)."""
        st = os.stat(base, dir_fd=parent_fd, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            raise Refused(name, "would replace a directory")
        os.unlink(base, dir_fd=parent_fd)
        self.symlinks.discard(name)

    def create(self, name: str, mode: int) -> int:
        """A new regular file open for writing (replacing an earlier member of that name)."""
        self._settle(name)
        parent, _, base = name.rpartition("/")
        parent_fd = self.dir_fd(parent, name)
        perm = 0o777 if mode & 0o111 else 0o666
        try:
            return os.open(base, NEW_FILE_FLAGS, perm, dir_fd=parent_fd)
        except FileExistsError:
            self._clear(parent_fd, base, name)
            return os.open(base, NEW_FILE_FLAGS, perm, dir_fd=parent_fd)

    def small_file(self, name: str, mode: int, data: bytes | memoryview) -> None:
        """A whole (small) file: written by the writer threads when there are any."""
        perm = 0o777 if mode & 0o111 else 0o666
        writers = self._writers
        if writers is None or name in self.symlinks or name in self._pending:
            self._settle(name)
            parent, _, base = name.rpartition("/")
            write_new_file(self.dir_fd(parent, name), base, perm, data, name)
            self.symlinks.discard(name)
        else:
            parent, _, base = name.rpartition("/")
            writers.submit(self.dir_fd(parent, name), base, perm, data, name)
            self._pending.add(name)
        self.files += 1

    def _resolve(self, name: str, target: str, floor: int) -> list[str] | None:
        parent = name.rpartition("/")[0]
        try:
            return resolve_link(self.root_fd, parent.split("/") if parent else [], target, floor)
        except LinkLoop:
            raise Refused(name, f"is a symlink to {shorten(target)} that does not resolve "
                                "(a loop, or a chain of more than 40 links)") from None

    def symlink(self, name: str, target: str) -> None:
        check_link_target(name, target)
        self._settle(name)
        if self._resolve(name, target, 0) is None:
            raise Refused(name, f"is a symlink pointing outside the archive ({shorten(target)})")
        parent, _, base = name.rpartition("/")
        parent_fd = self.dir_fd(parent, name)
        try:
            os.symlink(target, base, dir_fd=parent_fd)
        except FileExistsError:
            st = os.stat(base, dir_fd=parent_fd, follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                raise Refused(name, "is a symlink replacing a directory") from None
            self._clear(parent_fd, base, name)
            os.symlink(target, base, dir_fd=parent_fd)
        self.symlinks.add(name)

    def hardlink(self, name: str, target_raw: str) -> None:
        try:
            target = clean_name(target_raw)
        except Refused as refused:
            raise Refused(name, f"is a hard link to {shorten(target_raw)!r} ({refused.reason})") from None
        if not target:
            raise Refused(name, "is a hard link to the archive root")
        self._settle(name, target)
        source_dir, _, source_base = target.rpartition("/")
        try:
            source_fd = os.dup(self.dir_fd(source_dir, name, create=False))
        except FileNotFoundError:
            raise Refused(name, f"is a hard link to {target}, which is not in the archive before it") from None
        except Refused as refused:
            raise Refused(name, f"is a hard link to {target}, which {refused.reason}") from None
        try:
            st = lstat_at(source_fd, source_base)
            if st is None:
                raise Refused(name, f"is a hard link to {target}, which is not in the archive before it")
            if stat.S_ISLNK(st.st_mode):
                raise Refused(name, f"is a hard link to the symlink {target}")
            if not stat.S_ISREG(st.st_mode):
                raise Refused(name, f"is a hard link to {target}, which is not a regular file")
            parent, _, base = name.rpartition("/")
            parent_fd = self.dir_fd(parent, name)
            try:
                os.link(source_base, base, src_dir_fd=source_fd, dst_dir_fd=parent_fd,
                        follow_symlinks=False)
            except FileExistsError:
                self._clear(parent_fd, base, name)
                os.link(source_base, base, src_dir_fd=source_fd, dst_dir_fd=parent_fd,
                        follow_symlinks=False)
        finally:
            os.close(source_fd)
        self.files += 1

    # -- the finished tree -----------------------------------------------------------------------
    def check_links(self, prefix: str) -> None:
        """Every symlink must still resolve inside the tree, and those in `prefix` inside it.

        Links refused here are removed before raising, so even a stage left behind holds no
        way out.
        """
        self.flush()
        floor_parts = prefix.split("/") if prefix else []
        floor = len(floor_parts)
        refused: list[Refused] = []
        for name in sorted(self.symlinks):
            inside = floor == 0 or name.split("/")[:floor] == floor_parts
            target = os.readlink(name, dir_fd=self.root_fd)
            try:
                if self._resolve(name, target, floor if inside else 0) is not None:
                    continue
                where = "the install directory" if inside and floor else "the archive"
                refused.append(Refused(name, f"is a symlink whose real target leaves {where} ({shorten(target)})"))
            except Refused as loop:
                refused.append(loop)
        for bad in refused:
            os.unlink(bad.member, dir_fd=self.root_fd)
            self.symlinks.discard(bad.member)
        if refused:
            raise refused[0]

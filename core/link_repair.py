"""The links an install should have and may have lost: `<root>/<minor key>` (CPython) and the
bin dir's `pythonX.Y`. A run killed between its commit and its links (SIGKILL, the OOM killer, a
power cut) leaves them out, and so does a user who removed one. `pytui install` makes the ones
absent for a request already installed, as uv does; the TUI marks an install that lacks what a
run meant to make and restores it on `i`.

Which installs should have a bin link is not on disk: `pytui install --no-bin` and uv's own
downloads (`uv run`, `uv venv`) make none, and are fine. So a commit that will link the bin dir
records it first (`.temp/<key>.linking`, gone once the links are made): only such a record, left
by a killed run and naming the install now at the key's name, makes a bin link "missing". The
minor-version link is made by every install.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from pytui.core.keys import TYPE_CHECKING, parse_key
from pytui.core.paths import real_path

if TYPE_CHECKING:
    from pytui.core.install_root import InstallRoot
    from pytui.core.keys import KeyParts
    from pytui.core.progress import CancelToken
    from pytui.core.root_links import BinLinks
    from pytui.core.settings import Settings


LINKING = ".linking"
# Records kept at most: one per install a killed run left unlinked, so more than this many is
# a hostile root; the clean-up settles (removes) those past it, and a start's check
# (`temp_needs_cleaning`) looks at no more.
MAX_LINKING_RECORDS = 256


def linking_record(root: Path, key: str) -> Path:
    """`.temp/<key>.linking`: a commit of `key` that will link the bin dir is under way, or was
    killed before its links were made."""
    return root / ".temp" / f"{key}{LINKING}"


def record_linking(root: Path, key: str, install: Path | None = None) -> None:
    """Made under the root's lock before the commit's swap; best-effort (without it a killed
    run's bin link is only not marked, and `pytui install` still makes it). O_NONBLOCK: a FIFO
    put at the name would hold the open, and the root's lock, until something read it.

    It names the install it is for: `install`, the staged directory the swap moves to
    `<root>/<key>` (a rename keeps its device and inode). A run killed before its swap, or an
    install another tool put there since (uv's `install --no-bin`, which leaves no record and
    no bin link), is not the one named: the record then says nothing (`record_applies`)."""
    identity = b""
    if install is not None:
        with contextlib.suppress(OSError):
            st = os.lstat(install)
            identity = f"{st.st_dev}:{st.st_ino}\n".encode()
    with contextlib.suppress(OSError):
        fd = os.open(linking_record(root, key), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
                     | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, identity)
        finally:
            os.close(fd)


# A record holds `<st_dev>:<st_ino>\n`; anything longer is not one of ours.
_MAX_RECORD_BYTES = 64


def record_applies(root: Path, key: str) -> bool:
    """Whether a record of `key`'s links is there and is about the install at `<root>/<key>`
    now: the one it names, or any for a record naming none (an older pytui's, empty). A record
    that cannot be read as ours (not a regular file, too long, not `dev:ino`) says nothing."""
    try:
        fd = os.open(linking_record(root, key), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                     | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        text = os.read(fd, _MAX_RECORD_BYTES + 1)
    except OSError:
        return False
    finally:
        os.close(fd)
    if not text:
        return True
    dev, colon, ino = text.decode("ascii", "replace").strip().partition(":")
    if len(text) > _MAX_RECORD_BYTES or not colon or not (dev.isdigit() and ino.isdigit()):
        return False
    try:
        st = os.lstat(root / key)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (int(dev), int(ino))


def linked(root: Path, key: str) -> None:
    """The links are made: the record goes."""
    with contextlib.suppress(OSError):
        os.unlink(linking_record(root, key))


def still_waits(root: Path, key: str, bin_dir: Path | None) -> bool:
    """A record of `key`'s links still says something: `key` is installed, as the install the
    record names, and its bin link (where the bin dir is known) leads nowhere. Else it is
    settled: the link is there (made by `i`, uv, another pytui or the user), or the install is
    gone or another (uv's `--no-bin`, a run killed before its swap)."""
    parts = parse_key(key)
    if parts is None or not os.path.isdir(root / key) or not record_applies(root, key):
        return False
    return bin_dir is None or leads_nowhere(bin_dir / parts.bin_names[0])


def temp_needs_cleaning(root: Path, bin_dir: Path | None) -> bool:
    """Whether `<root>/.temp` holds something the clean-up would act on: any entry but a record
    of links still missing (those stay until the links are made, so they alone must not make
    the TUI take the root's lock and clean at every start), or more than MAX_LINKING_RECORDS
    records (the clean-up settles those past it). A stat or two per record."""
    temp = root / ".temp"
    if os.path.islink(temp):
        return False  # a link to a directory not ours to empty: the clean-up leaves it too
    waiting = 0
    try:
        with os.scandir(temp) as entries:
            for entry in entries:
                if not entry.name.endswith(LINKING) or not still_waits(root, entry.name[:-len(LINKING)], bin_dir):
                    return True
                waiting += 1
                if waiting > MAX_LINKING_RECORDS:
                    return True
    except OSError:
        return False
    return False


def missing_links(root: Path, settings: Settings, key: str) -> list[str]:
    """The links `key`'s install should have and lacks (the TUI marks them; `i` restores them):
    its minor-version link, and its bin link when a run meant to make it and was killed first
    (its record is left). Not an install made without bin links (`--no-bin`, uv's downloads)."""
    return lacking_links(root, settings, key)[0]


def lacking_links(root: Path, settings: Settings, key: str,
                  installed: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """What `key`'s install lacks: (missing, unlinked). `missing` as `missing_links`.
    `unlinked`: its bin link, absent (nothing at its name; a link there that leads nowhere is
    `missing`) with no record of a run meaning to make it. uv makes none
    for `--no-bin` nor for a Python `uv run` or `uv venv` downloaded, and a uv run killed
    between its commit and its links leaves none (uv records nothing): nothing on disk tells
    these apart, so it is said as a fact with the way to make it (`pytui install KEY`, as
    `uv python install KEY`), never as damage. Not for a patch older than one of `installed`
    (the keys listed): the name is the newest patch's, and `pytui install OLDER-KEY` would
    point it at the older one (as uv's does), which the newest's `behind` note then undoes.
    A stat or two, as `absent_links`."""
    absent = absent_links(root, settings, key)
    parts = parse_key(key)
    if parts is None or not absent or record_applies(root, key):
        return absent, []
    name = parts.bin_names[0]
    # A link at the name that leads nowhere was made by someone (into the minor-version link
    # since removed, or a root since moved): lost, not never made ("made (it had none)" was
    # said of one that only needed its minor-version link back).
    if os.path.islink(settings.bin_dir / name):
        return absent, []
    if _newer_patch_in(parts, installed):
        return [n for n in absent if n != name], []
    return [n for n in absent if n != name], [n for n in absent if n == name]


def _newer_patch_in(parts: KeyParts, installed: Sequence[str]) -> bool:
    """Whether `installed` holds a newer patch of `parts`' minor version (same implementation,
    variant and platform)."""
    from pytui.core.ordering import version_rank

    rank = version_rank(parts.major, parts.minor, parts.patch, parts.prerelease)
    for other_key in installed:
        other = parse_key(other_key)
        if other is not None and parts.same_minor(other) and \
                version_rank(other.major, other.minor, other.patch, other.prerelease) > rank:
            return True
    return False


def minor_groups(keys: Sequence[str]) -> dict[str, list[str]]:
    """Each key's fellows of one minor version (itself among them): what `behind_links` and
    `lacking_links` look at of `installed`. A listing that passed every key for every install
    compared n x n (a root of 3,000 installs kept the TUI from its first frame for minutes)."""
    groups: dict[tuple, list[str]] = {}
    of_key: dict[str, list[str]] = {}
    for key in keys:
        parts = parse_key(key)
        if parts is not None:
            of_key[key] = groups.setdefault(parts.minor_version, [])
            of_key[key].append(key)
    return of_key


def behind_links(root: Path, settings: Settings, key: str,
                 installed: Sequence[str]) -> list[tuple[str, str]]:
    """The links that run an older patch of `key`'s minor version while `key` is the highest of
    `installed` (the keys listed): (the link's name, the key it runs). The minor-version link
    pointing at an older install (a uv run killed between its commit and its links leaves it
    so), and the bin link resolving into one (uv links a patch request, `uv python install
    3.12.7`, to that patch's own interpreter, and a later install with `--no-bin` leaves it).
    `uv python install KEY` re-points both for a request already installed, and so does
    `pytui install KEY`. A readlink and a realpath or two; nothing when `key` has no older
    patch installed."""
    from pytui.core.ordering import version_rank

    parts = parse_key(key)
    if parts is None:
        return []
    rank = version_rank(parts.major, parts.minor, parts.patch, parts.prerelease)
    older: dict[str, str] = {}
    for other_key in installed:
        other = parse_key(other_key)
        if other is None or other_key == key or not parts.same_minor(other):
            continue
        if version_rank(other.major, other.minor, other.patch, other.prerelease) > rank:
            return []  # not the highest: a link to another patch is right
        older[real_path(root / other_key)] = other_key
    if not older:
        return []
    behind = []
    for name, link in ((parts.minor_key, root / parts.minor_key),
                       (parts.bin_names[0], None if settings.no_bin else settings.bin_dir / parts.bin_names[0])):
        if link is None or not os.path.islink(link):
            continue
        if name == parts.minor_key and parts.implementation != "cpython":
            continue
        resolved = real_path(link)
        runs = next((k for d, k in older.items() if resolved == d or resolved.startswith(d + os.sep)), None)
        if runs is not None:
            behind.append((name, runs))
    return behind


def absent_links(root: Path, settings: Settings, key: str) -> list[str]:
    """The names of the links `key`'s install does not have, which `pytui install KEY` makes as
    uv makes them: nothing at the name, or a link that leads nowhere (into an install or a root
    since removed), which uv makes again too; a stat or two each. Another install holding the
    name (an older patch, another root) is not absent: linking over it is an upgrade or a
    `--force` decision; nor is a symlink loop (uv leaves it, "not managed by uv")."""
    parts = parse_key(key)
    if parts is None:
        return []
    missing = []
    if parts.implementation == "cpython" and leads_nowhere(root / parts.minor_key):
        missing.append(parts.minor_key)
    if (not settings.no_bin and leads_nowhere(settings.bin_dir / parts.bin_names[0])
            and os.path.exists(root / key / parts.executable)):
        # (An install whose own interpreter is gone is incomplete: no link would run it.)
        missing.append(parts.bin_names[0])
    return missing


def leads_nowhere(path: Path) -> bool:
    """Nothing at `path`, or a symlink whose target does not exist (not a loop, not a
    directory that cannot be searched: those are something, left to a `--force`)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


class LinkChanges:
    """What a repair changed, by what happened to each link: `restored`, links a killed run
    left out or a user removed (the minor-version link, or a bin link its record names);
    `made`, a bin link that never existed (`--no-bin`, a Python uv run downloaded); `repointed`,
    (name, the older key it ran) pairs. Only the links this run changed, not ones another process
    made meanwhile. False when it changed none."""

    __slots__ = ("made", "repointed", "restored")

    def __init__(self, restored: Sequence[str] = (), made: Sequence[str] = (),
                 repointed: Sequence[tuple[str, str]] = ()) -> None:
        self.restored = list(restored)
        self.made = list(made)
        self.repointed = list(repointed)

    def __bool__(self) -> bool:
        return bool(self.restored or self.made or self.repointed)

    def __repr__(self) -> str:
        return f"LinkChanges({self.restored!r}, {self.made!r}, {self.repointed!r})"

    def said(self) -> list[str]:
        """What happened to the links, one phrase per kind, each as it happened (the one place
        for these words: the TUI's install summary and `pytui install`'s line): `restored`,
        `made (it had none)`, `re-pointed to it (it ran KEY)`; all read "restored" before."""
        done = []
        if self.restored:
            many = len(self.restored) > 1
            done.append(f"its missing link{'s' if many else ''} {'were' if many else 'was'} "
                        f"restored: {', '.join(self.restored)}")
        if self.made:
            done.append(f"its link {', '.join(self.made)} was made (it had none)")
        done += [f"{name} was re-pointed to it (it ran {runs})" for name, runs in self.repointed]
        return done


class Restored:
    """What `restore_links` did: the links it changed and the bin dir's report (None when bin
    links are off or `key` is not installed)."""

    def __init__(self, changes: LinkChanges, links: BinLinks | None) -> None:
        self.changes = changes
        self.links = links


def restore_links(root: InstallRoot, settings: Settings, key: str, *, force: bool = False,
                  cancel: CancelToken | None = None,
                  on_wait: Callable[[str], None] | None = None) -> Restored:
    """Point the minor-version link at the highest installed patch and link `key`'s executables
    (with `force`, over whatever holds their names; a link into an older patch, as uv, without),
    under the root's lock; the record of a killed run's links goes. `changes`: the links absent
    or behind (`behind_links`) before, and no longer, by what happened to each."""
    parts = parse_key(key)
    if parts is None:
        return Restored(LinkChanges(), None)
    with root.locked(cancel=cancel, on_wait=on_wait):
        # Looked at under the lock: uv or another pytui may have made them while this waited.
        installed = [i.key for i in root.installed()]
        missing, unlinked = lacking_links(root.path, settings, key)
        behind = behind_links(root.path, settings, key, installed)
        root.update_minor_link(parts)
        installation = root.get(key)
        links = None
        if installation is not None and not settings.no_bin:
            # A bin link into an older patch is replaced: this install is an upgrade of it.
            links = root.link_executables(installation, settings.bin_dir, force=force)
            linked(root.path, key)
        after = set(absent_links(root.path, settings, key))
        still = {name for name, _ in behind_links(root.path, settings, key, installed)}
        return Restored(LinkChanges([name for name in missing if name not in after],
                                    [name for name in unlinked if name not in after],
                                    [(name, runs) for name, runs in behind if name not in still]),
                        links)

"""Links of the install root, as uv makes them: the minor-version link
(`<root>/cpython-3.12-linux-x86_64-gnu` -> the highest installed patch) and the bin links
(`<bin>/python3.12`), with uv's conflict rules. `RootLinking` gives `InstallRoot`
(core/install_root.py) these methods.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from pytui.core import link_temps
from pytui.core.bin_link_words import (
    FORCE_NEXT_STEP,
    cannot_link,
    unlinkable_remedy,
    unreplaceable_remedy,
)
from pytui.core.errors import StepLine, WarningLine
from pytui.core.fixups import executable_path
from pytui.core.keys import KeyParts, parse_key
from pytui.core.link_repair import leads_nowhere
from pytui.core.models import Installation
from pytui.core.ordering import version_rank
from pytui.core.root_tree import exchange


class BinLinks:
    """What `link_executables` did in the bin dir (a plain class: see core/jobs.py on dataclasses)."""

    __slots__ = ("created", "followed", "replaced", "skipped", "warnings")

    def __init__(self) -> None:
        self.created: list[Path] = []
        self.replaced: list[Path] = []
        # Links left as they were that reach this install through the minor-version link,
        # which just moved to it: the name runs this install now although no link changed.
        self.followed: list[Path] = []
        # (link, one-line reason) for links left alone.
        self.skipped: list[tuple[Path, str]] = []
        self.warnings: list[WarningLine] = []

    def __repr__(self) -> str:
        return (f"BinLinks(created={self.created!r}, replaced={self.replaced!r}, "
                f"followed={self.followed!r}, skipped={self.skipped!r}, warnings={self.warnings!r})")

    @property
    def linked(self) -> list[Path]:
        return self.created + self.replaced


def executable_install_name(parts: KeyParts) -> str:
    """uv's `executable_name_minor`: `python3.12`, `python3.13t`, `pypy3.10`, `graalpy3.11`."""
    return parts.bin_names[0]


def _bin_names(parts: KeyParts) -> set[str]:
    """The names uv's uninstall considers: pythonX.Y{t}, pythonX{t}, python{t}."""
    return set(parts.bin_names)


def minor_key(parts: KeyParts) -> str:
    """The minor-version link's name: `cpython-3.12-linux-x86_64-gnu`, `cpython-3.13+freethreaded-...`."""
    return parts.minor_key


def _names_install(name: str) -> bool:
    """An installation key, or a minor-version link's name (`cpython-3.12-linux-x86_64-gnu`)."""
    if parse_key(name) is not None:
        return True
    fields = name.split("-", 2)
    if len(fields) != 3:
        return False
    version, plus, variant = fields[1].partition("+")
    return version.count(".") == 1 and parse_key(f"{fields[0]}-{version}.0{plus}{variant}-{fields[2]}") is not None


def _other_root(link: Path, root: Path) -> Path | None:
    """The install root a bin link points into when that is not `root`: its target (followed
    one step, as written) lies in `<other>/<installation key>/...` or `<other>/<minor link>/...`."""
    try:
        target = Path(os.readlink(link))
    except OSError:
        return None
    if not target.is_absolute():
        target = link.parent / target
    for parent in target.parents:
        if _names_install(parent.name):
            other = parent.parent
            return None if other == root else other
    return None


class RootLinking:
    """The link methods of `InstallRoot`, which sets these attributes."""

    path: Path
    temp_dir: Path

    def installed(self) -> list[Installation]:
        raise NotImplementedError

    # -- links --------------------------------------------------------------------------------
    def _highest(self, parts: KeyParts, exclude: Path | None = None) -> Installation | None:
        best: tuple[tuple, Installation] | None = None
        for installation in self.installed():
            other = parse_key(installation.key)
            if other is None or not parts.same_minor(other):
                continue
            if exclude is not None and installation.path == exclude:
                continue
            rank = version_rank(other.major, other.minor, other.patch, other.prerelease)
            if best is None or rank > best[0]:
                best = (rank, installation)
        return best[1] if best else None

    def _minor_link_supported(self, parts: KeyParts) -> bool:
        # uv: CPython only, and only where the interpreter lives in `<home>/bin/` (not Windows
        # or Pyodide layouts).
        return parts.implementation == "cpython" and parts.os not in ("windows", "emscripten")

    def minor_link_path(self, parts: KeyParts) -> Path:
        return self.path / minor_key(parts)

    def update_minor_link(self, parts: KeyParts, *, removed: Path | None = None) -> Path | None:
        """Point `<root>/<minor key>` at the highest installed patch (absolute target, as uv);
        remove it when none is left and it pointed at `removed`. Returns the link's target."""
        if not self._minor_link_supported(parts):
            return None
        link = self.minor_link_path(parts)
        highest = self._highest(parts)
        seen = _identity(link)
        if os.path.lexists(link) and not os.path.islink(link):
            return None  # a real directory or file by that name: not ours to replace
        if highest is None:
            if os.path.islink(link):
                current = Path(os.readlink(link))
                if removed is None or current == removed or not os.path.exists(link):
                    os.unlink(link)
            return None
        target = highest.path
        try:
            if Path(os.readlink(link)) == target:
                return target
        except OSError:
            pass
        try:
            self._replace_symlink(target, link, seen=seen)
        except FileExistsError:
            return None  # something took the name since it was looked at: not ours to replace
        return target

    def _replace_symlink(self, target: Path | str, link: Path, *, seen: tuple[int, int, str] | None = None,
                         over_anything: bool = False) -> None:
        """Create or atomically replace the symlink `link` -> `target`. What is replaced was
        looked at and found a link (`seen`: its `_identity` then, None: nothing was
        there); anything else put at
        the name since (by a user: uv and pytui hold the root's lock), a file or another
        symlink, is put back and `PutMeanwhile` raised, unless `over_anything` (--force). The
        new link is made aside and exchanged with the old one, which is then looked at; where
        the filesystem cannot exchange, it is renamed over it."""
        try:
            os.symlink(target, link)
            return
        except FileExistsError:
            pass
        # In the bin dir (no `.temp/` there) by a name that says whose it is (core/link_temps.py).
        temp = self.temp_dir / f".link-{os.urandom(6).hex()}" if link.parent == self.path else \
            link.parent / link_temps.temp_name()
        os.symlink(target, temp)
        try:
            if not over_anything and _exchanged(temp, link):
                out = _identity(temp)
                if out is not None and out[2] and out == seen:
                    os.unlink(temp)  # the link that was looked at: done with
                    return
                what = what_is_at(temp)
                exchange(temp, link)  # not the link looked at: put it back
                raise PutMeanwhile(link, what)
            os.replace(temp, link)
        except OSError:
            # `temp` is the new link, unless a put-back failed: then it holds what was at the
            # name, never removed.
            if os.path.islink(temp):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
            raise

    def _link_owner(self, link: Path, installations: list[Installation]) -> Installation | None:
        """The installation whose interpreter `link` resolves to (uv's `find_matching_bin_link`)."""
        if not os.path.islink(link):
            return None
        from pytui.core.paths import real_path

        # real_path: a link through another user's /proc/PID/root is nobody's here, not an error.
        resolved = real_path(link)
        for installation in installations:
            parts = parse_key(installation.key)
            if parts is not None and real_path(executable_path(installation.path, parts)) == resolved:
                return installation
        return None

    def link_executables(self, installation: Installation, bin_dir: Path, *, upgradeable: bool = True,
                         reinstall: bool = False, force: bool = False) -> BinLinks:
        """`bin_dir/pythonX.Y{t}` -> the interpreter, with uv's conflict rules.

        See docs/uv-compat.md#bin-links.

        The link targets `<root>/<minor link>/bin/...` when `upgradeable` (uv: a minor-version
        request) and this install is the highest patch, so patch upgrades need no relinking;
        otherwise the install's own interpreter. An existing link to the same install is kept
        (unless `reinstall`/`force`), one to another install is replaced only by an upgrade of
        it (or `force`), a broken link is replaced, and anything else is left with a warning.
        """
        result = BinLinks()
        parts = parse_key(installation.key)
        if parts is None:
            return result
        link_temps.remove_stale(Path(bin_dir))
        exe = executable_path(installation.path, parts)
        name = executable_install_name(parts)
        link = Path(bin_dir) / name
        cannot = cannot_link(installation.key, exe, Path(bin_dir), name)
        if cannot is not None:
            result.warnings.append(cannot[0])
            result.skipped.append((link, cannot[1]))
            return result
        target = exe
        if upgradeable and self._minor_link_supported(parts):
            highest = self._highest(parts)
            minor_link = self.minor_link_path(parts)
            if (highest is not None and highest.path == installation.path and os.path.islink(minor_link)
                    and Path(os.readlink(minor_link)) == installation.path):
                target = minor_link / exe.relative_to(installation.path)
        try:
            os.symlink(target, link)
            result.created.append(link)
            return result
        except FileExistsError:
            seen = _identity(link)  # before it is judged: what the exchange must take out
        except OSError as err:
            result.warnings.append(StepLine(f"cannot link {link} for {installation.key}: {err.strerror}; ",
                                            *unlinkable_remedy(err, link)))
            result.skipped.append((link, err.strerror or "error"))
            return result
        existing = self._link_owner(link, self.installed())
        if existing is None:
            # A link whose target does not exist; a loop is not broken but someone's (as uv).
            broken = os.path.islink(link) and leads_nowhere(link)
            if not broken and not force:
                other_root = _other_root(link, self.path)
                blocked = self._blocked_minor_link(link, parts)
                if blocked is not None:
                    # pytui's own link, through the minor-version link, which something not
                    # made by pytui took the place of (a FIFO, a file): "not managed" misled.
                    reason = f"{blocked[0]} is {blocked[1]}"
                    result.warnings.append(f"Executable at {link} leads through {blocked[0]}, which is "
                                           f"now {blocked[1]}, not a link pytui made; both were left as "
                                           f"they are: remove {blocked[0]} and install again")
                elif other_root is not None:
                    reason = f"links into another install root ({other_root})"
                    result.warnings.append(StepLine(f"Executable already exists at {link} and is managed "
                                                    f"by another install root ({other_root}); ", FORCE_NEXT_STEP))
                else:
                    reason = "exists and is not managed by uv or pytui"
                    result.warnings.append(StepLine(f"Executable already exists at {link} but is not "
                                                    "managed by uv or pytui; ", FORCE_NEXT_STEP))
                result.skipped.append((link, reason))
                return result
        elif existing.key == installation.key:
            if not (reinstall or force):
                result.skipped.append((link, "already linked"))
                with contextlib.suppress(OSError):
                    if Path(os.readlink(link)).is_relative_to(self.minor_link_path(parts)):
                        result.followed.append(link)
                return result
        else:
            other = parse_key(existing.key)
            from pytui.core.install_policy import is_upgrade_of

            upgrade = other is not None and is_upgrade_of(parts, installation.build, other, existing.build)
            if not (force or upgrade):
                result.skipped.append((link, f"points to {existing.key}"))
                return result
        return self._replace_bin_link(result, target, link, seen=seen, force=force)

    def _blocked_minor_link(self, link: Path, parts: KeyParts) -> tuple[Path, str] | None:
        """(the minor-version link, what is at its name) when `link` leads through it and it is
        no link: something else took its name."""
        minor_link = self.minor_link_path(parts)
        try:
            if not Path(os.readlink(link)).is_relative_to(minor_link):
                return None
        except OSError:
            return None
        if not os.path.lexists(minor_link) or os.path.islink(minor_link):
            return None
        return minor_link, what_is_at(minor_link)

    def _replace_bin_link(self, result: BinLinks, target: Path, link: Path, *,
                          seen: tuple[int, int, str] | None, force: bool) -> BinLinks:
        """The last step of `link_executables`: `link` replaced, or why not, in `result`."""
        try:
            self._replace_symlink(target, link, seen=seen, over_anything=force)
        except PutMeanwhile as err:
            # Something put at the name since it was looked at: someone's, left as it is.
            result.warnings.append(StepLine(f"Executable at {link} became {err.what} while pytui linked it "
                                            "(another process put it there); it was left as it is; ",
                                            FORCE_NEXT_STEP))
            result.skipped.append((link, f"became {err.what} meanwhile"))
            return result
        except FileExistsError:
            # A file put at the name since it was looked at: someone's, left as it is.
            result.warnings.append(StepLine(f"Executable already exists at {link} but is not managed "
                                            "by uv or pytui; ", FORCE_NEXT_STEP))
            result.skipped.append((link, "exists and is not managed by uv or pytui"))
            return result
        except OSError as err:
            result.warnings.append(StepLine(f"Executable already exists at {link} but could not be "
                                            f"replaced: {err.strerror}; ", *unreplaceable_remedy(err, link)))
            result.skipped.append((link, err.strerror or "error"))
            return result
        result.replaced.append(link)
        return result

    def repoint_executable(self, link: Path, installation: Installation, *,
                           seen: tuple[int, int, str] | None = None) -> bool:
        """Point the bin link `link` at `installation`'s interpreter of the same name (through
        the minor-version link when that points to it, as `link_executables` does); False when
        the install has no such interpreter. `seen`: the link as it was looked at
        (`link_identity`), when that was before now; raises PutMeanwhile (and leaves it) when
        something else is at the name."""
        parts = parse_key(installation.key)
        if parts is None:
            return False
        exe = executable_path(installation.path, parts)
        if exe.name != link.name:
            exe = exe.with_name(link.name)  # pythonX / python: the same directory
        if not os.path.exists(exe):
            return False
        target = exe
        minor_link = self.minor_link_path(parts)
        if (self._minor_link_supported(parts) and os.path.islink(minor_link)
                and Path(os.readlink(minor_link)) == installation.path):
            target = minor_link / exe.relative_to(installation.path)
        if seen is None:
            seen = _identity(link)
        elif _identity(link) != seen:
            raise PutMeanwhile(link, what_is_at(link))
        with contextlib.suppress(OSError):
            if Path(os.readlink(link)) == target:
                return True  # through the minor-version link: it follows already
        self._replace_symlink(target, link, seen=seen)
        return True

    @staticmethod
    def remove_bin_link(link: Path, seen: tuple[int, int, str] | None) -> bool:
        """Remove the bin link `link` if it is still the one looked at (`seen`, its
        `link_identity` then); False, and it is left as it is, when another process put
        something else at the name since (a user's script, a link elsewhere, a directory)."""
        if seen is None or _identity(link) != seen:
            return False
        os.unlink(link)
        return True

    def _bin_links_of(self, installation: Installation, parts: KeyParts, bin_dir: Path) -> list[Path]:
        """The links in `bin_dir` uv's uninstall would remove: its names, resolving to this install."""
        found: list[Path] = []
        exe = executable_path(installation.path, parts)
        names = _bin_names(parts)
        try:
            with os.scandir(bin_dir) as scan:
                entries = list(scan)
        except OSError:
            return found
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name not in names or os.path.isdir(entry.path):
                continue
            try:
                same = os.path.samefile(entry.path, exe)
            except OSError:
                same = False
            if same:
                found.append(Path(entry.path))
        return found

    def dangling_through_minor_link(self, parts: KeyParts, bin_dir: Path, removed: Path | None = None) -> list[Path]:
        """Bin links by this minor version's names written through this root's minor-version
        link (`<bin>/python3.12 -> <root>/cpython-3.12-.../bin/python3.12`), or into `removed`
        (an install gone), that lead nowhere now: the forms only uv and pytui write, so removing
        them removes nothing of anyone else's. They are not found by resolving (`_bin_links_of`)
        once the minor-version link is gone, or when it pointed outside the root."""
        found: list[Path] = []
        if not self._minor_link_supported(parts):
            return found
        minor_link = self.minor_link_path(parts)
        try:
            with os.scandir(bin_dir) as scan:
                entries = [entry for entry in scan if entry.name in _bin_names(parts)]
        except OSError:
            return found
        for entry in sorted(entries, key=lambda e: e.name):
            try:
                target = Path(os.readlink(entry.path))
            except OSError:
                continue  # not a symlink (or gone): not ours
            into = target.is_relative_to(minor_link) or (removed is not None and target.is_relative_to(removed))
            if into and not os.path.exists(entry.path):
                found.append(Path(entry.path))
        return found


class PutMeanwhile(FileExistsError):
    """What an exchange took out of a link's name is not the link looked at: another process
    put `what` there meanwhile (`what_is_at`); it was put back."""

    def __init__(self, link: Path, what: str) -> None:
        super().__init__(errno.EEXIST, f"{what} was put there meanwhile", str(link))
        self.what = what


def what_is_at(path: Path) -> str:
    """`a symlink to X`, `a FIFO`, `a regular file`, `a directory`... (not followed)."""
    try:
        info = os.lstat(path)
    except OSError:
        return "nothing"
    if stat.S_ISLNK(info.st_mode):
        with contextlib.suppress(OSError):
            return f"a symlink to {os.readlink(path)}"
        return "a symlink"
    from pytui.core.fs_errors import file_kind  # (not at import: an install never needs it)

    return file_kind(info.st_mode)


def link_identity(path: Path) -> tuple[int, int, str] | None:
    """What is at `path` as `_identity` says it: a caller records it when it looks at a link
    it acts on later (`remove_bin_link`, `repoint_executable`)."""
    return _identity(path)


def _identity(path: Path) -> tuple[int, int, str] | None:
    """The device, inode and link target of what is at `path` (not followed), or None. The
    target too: a link removed and another made at once often gets the freed inode."""
    try:
        info = os.lstat(path)
        target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
    except OSError:
        return None
    return info.st_dev, info.st_ino, target


def _exchanged(temp: Path, link: Path) -> bool:
    """`temp` and `link` swapped (True); False where the filesystem cannot, or `link` is gone."""
    try:
        return exchange(temp, link)
    except FileNotFoundError:
        return False

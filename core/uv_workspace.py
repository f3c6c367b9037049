"""Whether uv's workspace discovery would take a workspace's members, as uv 0.13.9 collects
them before it reads the workspace root's configuration (checked with the binary: see
docs/uv-compat.md#configuration-files). When it would not, uv's discovery fails and uv reads
its configuration from the working directory up, without a word; core/uv_config.py does the same.

Each path the `members` globs name (from the root, `exclude` globs left out) must be: a
directory whose pyproject.toml parses and has a `[project]` with a `name` and a `version` (or a
dynamic one), not a workspace of its own, its name not another member's. uv passes over a path
that is not a directory, a directory whose name starts with a dot, one marked
`managed = false`, and one without a pyproject.toml that holds no file (or, in a git
repository, only files git ignores: `git ls-files` says so). uv also honours `.ignore` files
above the directory; pytui does not read them (docs/uv-compat.md says why)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

# A member directory without a pyproject.toml is looked into this far for a file.
_MAX_ENTRIES = 10_000


class _Broken(Exception):
    """uv's discovery fails on this workspace."""


def members_all_there(root: Path, workspace: dict, root_project: object,
                      warnings: list[str] | None = None) -> bool:
    """Whether uv would collect the members of the workspace rooted at `root` (its
    `[tool.uv.workspace]` table, its `[project]`); `warnings` gets a line for each member git
    was not asked about (`_only_ignored`)."""
    from pytui.core.uv_config import _globbed

    names: set[str] = set()
    if isinstance(root_project, dict) and isinstance(root_project.get("name"), str):
        names.add(_normal(root_project["name"]))
    members = workspace.get("members")
    if not isinstance(members, list):
        return True
    seen: set[Path] = set()
    try:
        for pattern in members:
            if not isinstance(pattern, str):
                return False  # uv's reader refuses the table
            for path in _expand(root, Path(os.path.normpath(pattern)).parts):
                if path in seen or _globbed(workspace.get("exclude"), root, path):
                    continue
                seen.add(path)
                _check_member(root, path, names, warnings)
    except _Broken:
        return False
    return True


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _check_member(root: Path, path: Path, names: set[str], warnings: list[str] | None = None) -> None:
    from pytui.core.uv_config_file import parsed, tool_uv_of

    if path == root:
        return
    if not os.path.isdir(path):
        return  # uv passes over it (a warning at -v)
    pyproject = path / "pyproject.toml"
    if not os.path.lexists(pyproject):
        if path.name.startswith(".") or _only_ignored(path, warnings):
            return
        raise _Broken
    document = parsed(pyproject)
    if document is None:
        raise _Broken
    uv = tool_uv_of(document)
    if uv.get("managed") is False:
        return
    project = document.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        raise _Broken
    dynamic = project.get("dynamic")
    if "version" not in project and not (isinstance(dynamic, list) and "version" in dynamic):
        raise _Broken
    if "workspace" in uv:
        raise _Broken  # a workspace inside a workspace
    name = _normal(project["name"])
    if name in names:
        raise _Broken
    names.add(name)


def _expand(root: Path, parts: tuple[str, ...]) -> list[Path]:
    """The existing paths a member glob names, component by component (uv's glob: `*`, `?`
    and `[…]` inside one component, `**` any number of directories; a trailing `**` takes
    every directory below, not the one it is in, as uv 0.13.9's trace shows)."""
    paths = [root]
    for index, part in enumerate(parts):
        found: list[Path] = []
        for base in paths:
            if part == "**":  # the directories below (and, inside a pattern, `base` itself)
                if index < len(parts) - 1:
                    found.append(base)
                for directory, dirs, _ in _walk(base):
                    dirs.sort()
                    found.extend(Path(directory, name) for name in dirs)
            elif any(char in part for char in "*?["):
                if part.count("[") > part.count("]"):
                    raise _Broken  # uv's glob refuses the pattern
                try:
                    entries = sorted(os.listdir(base))
                except OSError:
                    continue
                found.extend(base / name for name in entries if fnmatchcase(name, part))
            elif os.path.lexists(base / part):
                found.append(base / part)
        # Once each: `**/**/…` names a directory by many routes (24 of them took minutes).
        paths = list(dict.fromkeys(found))
    return paths


def _walk(top: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top)` (top down, links to directories listed but not walked into, what cannot be
    read passed over) by a loop: os.walk recursed a level a call before Python 3.12, so a
    directory 1,000 levels deep below a member glob ended `pytui list` in a RecursionError
    (uv walks it). The caller may sort `dirs` in place, as with os.walk, to walk them in order."""
    stack = [os.fspath(top)]
    while stack:
        here = stack.pop()
        dirs: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
        except OSError:
            continue
        yield here, dirs, files
        stack.extend(path for path in map(os.path.join, [here] * len(dirs), reversed(dirs))
                     if not os.path.islink(path))


def _only_ignored(directory: Path, warnings: list[str] | None = None) -> bool:
    """Whether a member directory holds no file, or in a git repository only files git
    ignores (uv's `has_only_gitignored_files`). git is not asked when an ignore file it would
    open is no regular file or too large (`_blocking_ignore_file`: a FIFO there blocked `git
    ls-files`, so the run, 30 s, in silence; uv 0.13.9 blocks on it for good): the directory is
    read as holding files, as after that wait, and `warnings` gets one line saying so."""
    seen = 0
    has_file = False
    for _, dirs, files in _walk(directory):
        seen += len(dirs) + len(files)
        if files or seen > _MAX_ENTRIES:
            has_file = True
            break
    if not has_file:
        return True
    repository = next((parent for parent in (directory, *directory.parents)
                       if os.path.exists(parent / ".git")), None)
    if repository is None:
        return False
    blocking = _blocking_ignore_file(repository, directory)
    if blocking is not None:
        if warnings is not None:
            from pytui.core.elide import path_for_line

            warnings.append(f"did not ask git whether it ignores the files of workspace member "
                            f"{path_for_line(str(directory))}: {blocking}")
        return False
    try:
        listed = subprocess.run(_git(directory, "ls-files", "--cached", "--others", "--exclude-standard",
                                     "-z", "--", "."),
                                capture_output=True, timeout=_GIT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and not listed.stdout


# git's own guard: a command that has not answered in this long is given up.
_GIT_SECONDS = 30.0

# git reads an ignore file whole into memory (its size from fstat: a 300 MB sparse
# `.gitignore` took 311 MB of git 2.39's memory, a sparse 100 GB one would take the machine's);
# real ones are a few KiB.
_MAX_IGNORE_BYTES = 16 * 1024 * 1024


def _git(directory: Path, *args: str) -> list[str]:
    """A git command run in `directory`. The repository's config is the project tree's, so
    input: its `core.fsmonitor` names a command git runs when it reads the index (a
    `.git/config` in an unpacked archive ran one on `pytui list`); nothing else the commands
    used here read runs a program."""
    return ["git", "-c", "core.fsmonitor=false", "-C", str(directory), *args]


# The ignore files git reads for `ls-files --exclude-standard` below a repository: in-tree
# `.gitignore`s, `info/exclude` in the repository's `.git`, and the file `core.excludesFile`
# names (in the repository's `.git/config`, project input, or the user's; by default
# `$XDG_CONFIG_HOME/git/ignore`), which git opens before any other.
_IGNORE_FILE = ".gitignore"
_FIX = "make it a regular file or remove it"


def _odd_file(path: str, follow: bool = False, shown: str | None = None) -> str | None:
    """What makes git's read of the ignore file at `path` wait or take memory without bound, in
    words (`PATH is a FIFO, not a file, ...`), or None. Only a stat, never an open: git opens a
    FIFO's name and waits for a writer (a `.gitignore` made with mkfifo held the run 30 s); a
    socket or a device is named too (what reading it does is the device's); a regular file past
    _MAX_IGNORE_BYTES is read whole by git. A link is looked at itself unless `follow`; a
    directory is left to git, which does not wait on it (an in-tree one is read as an empty
    file, an excludes file refused: `git ls-files` fails, read as holding files); a path that
    cannot be stat'ed (missing, a loop of links, a path through a file) git passes over. The
    line names `shown` (`path` by default)."""
    import stat

    from pytui.core.elide import path_for_line
    from pytui.core.units import format_bytes

    try:
        status = (os.stat if follow else os.lstat)(path)
    except (OSError, ValueError):
        return None
    named = path_for_line(path if shown is None else shown)
    mode = status.st_mode
    if stat.S_ISREG(mode):
        if status.st_size <= _MAX_IGNORE_BYTES:
            return None
        return (f"{named} is {format_bytes(status.st_size)}, and git would read it whole "
                f"into memory (pytui asks git only when an ignore file is at most "
                f"{format_bytes(_MAX_IGNORE_BYTES)})")
    if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return f"{named} is a FIFO, not a file, and git would wait on it for a writer"
    kind = "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"{named} is {kind}, not a file, and git would read it"


def _blocking_ignore_file(repository: Path, directory: Path) -> str | None:
    """Why `git ls-files` in `directory` (inside `repository`) is not to be asked, in words
    ending in what to do (an ignore file git would open is a FIFO, a device or huge:
    `_odd_file`; the repository's config could not be read), or None. An in-tree `.gitignore`
    is looked at itself (`lstat`): git refuses to follow one that is a symbolic link;
    `.git/info/exclude` and the excludes file through their links (git follows them). The
    member's own tree is looked at up to _MAX_ENTRIES entries, top down (a larger one is still
    asked of git, whose timeout is then the guard: reading it as holding files would part from
    uv, which passes over a large tree git ignores whole)."""
    held = _excludes_file(repository, directory)
    if held is not None:
        return held
    relative = directory.relative_to(repository).parts
    above = [repository.joinpath(*relative[:depth]) for depth in range(len(relative))]
    found = _odd_file(str(repository / ".git" / "info" / "exclude"), follow=True)
    for path in above:
        found = found or _odd_file(os.path.join(path, _IGNORE_FILE))
    if found is not None:
        return f"{found}; read as holding files (uv 0.13.9 waits on a FIFO there for good); {_FIX}"
    seen = 0
    for here, dirs, files in _walk(directory):
        seen += len(dirs) + len(files)
        if seen > _MAX_ENTRIES:
            return None  # git is asked, its timeout the guard: uv's answer for a large ignored tree
        if _IGNORE_FILE in files:
            found = _odd_file(os.path.join(here, _IGNORE_FILE))
            if found is not None:
                return f"{found}; read as holding files (uv 0.13.9 waits on a FIFO there for good); {_FIX}"
    return None


def _excludes_file(repository: Path, directory: Path) -> str | None:
    """Why git is not to be asked, for its config: the repository's `.git/config` is a FIFO or
    the like (git opens it first); git did not give its config in _GIT_SECONDS (a file an
    `[include]` names is a FIFO); or the file its `core.excludesFile` names is odd
    (`_odd_file`). git is asked for that setting, as it reads it (each scope, includes, `~`);
    a relative path is from the work tree's top, where git opens it. uv 0.13.9 does not open
    that file (a FIFO there, named in the repository's or the user's config, held git, not uv)."""
    from pytui.core.elide import path_for_line

    config = repository / ".git" / "config"
    odd = _odd_file(str(config), follow=True)
    if odd is not None:
        return f"{odd}; read as holding files; {_FIX}"
    try:
        answer = subprocess.run(_git(directory, "config", "-z", "--show-origin", "--path", "--get",
                                     "core.excludesFile"),
                                capture_output=True, timeout=_GIT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return (f"git did not read the configuration of the repository at {path_for_line(str(repository))} "
                f"in {_GIT_SECONDS:.0f} s (a file it includes may be a FIFO); read as holding files; "
                "check the files its [include] and [includeIf] sections name")
    except (OSError, subprocess.SubprocessError):
        return None  # no git: ls-files fails the same way and is read as holding files
    fields = answer.stdout.split(b"\0")
    top: str | None = None
    if answer.returncode == 0 and len(fields) >= 2:
        if not fields[1]:
            return None  # set empty: git reads no excludes file
        origin, value = os.fsdecode(fields[0]), os.fsdecode(fields[1])
        if origin.startswith("file:") and not os.path.isabs(origin[5:]):
            top = _top(directory) or str(repository)
            origin = "file:" + os.path.join(top, origin[5:])
        where = f"core.excludesFile in {path_for_line(origin.removeprefix('file:'))}"
    else:  # unset: git's default, from the variables git reads
        xdg, home = os.environ.get("XDG_CONFIG_HOME"), os.environ.get("HOME")
        if not xdg and not home:
            return None
        value = os.path.join(xdg, "git", "ignore") if xdg else os.path.join(home or "", ".config", "git", "ignore")
        where = "git's default excludes file"
    if not os.path.isabs(value):
        value = os.path.join(top or _top(directory) or str(repository), value)
    if os.path.realpath(value) == os.devnull:
        return None  # the usual way to turn the user's excludes off: git reads it as empty
    odd = _odd_file(value, follow=True, shown=os.path.normpath(value))
    if odd is None:
        return None
    return f"{odd} ({where}); read as holding files; {_FIX}, or set core.excludesFile to another file"


def _top(directory: Path) -> str | None:
    """The work tree's top, as git finds it from `directory` (a `core.worktree` may move it)."""
    try:
        shown = subprocess.run(_git(directory, "rev-parse", "--show-toplevel"), capture_output=True,
                               timeout=_GIT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    top = os.fsdecode(shown.stdout).removesuffix("\n")
    return top if shown.returncode == 0 and top else None


__all__ = ["members_all_there"]

"""Where the environment scan looks: uv's tool dir, pipx's homes, virtualenvwrapper's
WORKON_HOME, and the project roots to walk (`--scan`, PYTUI_SCAN_PATHS, the config file, else
the home directory), and how long a walk may take (PYTUI_SCAN_BUDGET).

Every value comes from the environment or a file the user wrote, so each is checked: relative
or NUL-holding paths are ignored with a warning, the number of roots and the budget are bounded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pytui.core.env_files import CFG_MAX_BYTES
from pytui.core.paths import home_dir

# Seconds a scan may spend walking project roots before it stops and says it is partial.
TIME_BUDGET = 10.0
MAX_BUDGET = 600.0
MAX_SCAN_PATHS = 64
# Warnings about ignored entries said one by one; the rest are counted in one line.
MAX_IGNORED_SAID = 5


def _abs(value: str) -> Path | None:
    if not value or "\x00" in value:
        return None
    # os.path's expanduser leaves `~nobody-here/x` as written, where Path's raised RuntimeError
    # (a traceback out of `pytui envs`); it is then not absolute, and said as such.
    path = os.path.expanduser(value)
    return Path(os.path.normpath(path)) if os.path.isabs(path) else None


def _not_absolute(value: str) -> str:
    """Why a scan path was ignored: `~name/…` of a user this system does not know, else not
    an absolute path."""
    if value.startswith("~"):
        user = value[1:].split("/", 1)[0]
        return f"no user {user[:64]!r} has a home directory here" if user else "no home directory is known"
    return "not an absolute path"


def _data_home(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else home_dir() / ".local" / "share"


def uv_tool_dir(env: Mapping[str, str]) -> Path:
    """uv's `InstalledTools::from_settings`: UV_TOOL_DIR, else `<XDG data>/uv/tools`."""
    value = env.get("UV_TOOL_DIR", "")
    if value:
        # A path as written, as uv reads it (no `~` expanded: `'~/tools'` is `./~/tools`, the
        # directory `uv tool install` fills; it was looked for in `$HOME/tools`).
        return Path(os.path.abspath(value))
    return _data_home(env) / "uv" / "tools"


def pipx_homes(env: Mapping[str, str]) -> list[Path]:
    """PIPX_HOME, else pipx's default (`<XDG data>/pipx` on Linux) and its fallback `~/.local/pipx`."""
    value = env.get("PIPX_HOME", "")
    if value:
        return [Path(os.path.abspath(os.path.expanduser(value)))]
    homes = [_data_home(env) / "pipx", home_dir() / ".local" / "pipx"]
    if os.uname().sysname == "Darwin":
        homes.append(home_dir() / "Library" / "Application Support" / "pipx")
    return homes


def pipx_shared_libs(env: Mapping[str, str]) -> Path | None:
    """PIPX_SHARED_LIBS as pipx 1.18.4 takes it (paths.py: `Path(value).expanduser().absolute()`,
    then resolved), the venv pipx keeps its own pip in, used instead of each home's `shared`;
    None when it is unset."""
    value = env.get("PIPX_SHARED_LIBS", "")
    return Path(os.path.realpath(os.path.expanduser(value))) if value else None


def pipx_default_python(env: Mapping[str, str]) -> str | None:
    """The Python pipx 1.18.4 builds its shared libraries venv on (interpreter.py's
    DEFAULT_PYTHON): PIPX_DEFAULT_PYTHON (a bare name found on PATH), else the interpreter pipx
    itself runs on, the `#!` line of the `pipx` on PATH; resolved, or None when neither is
    there. One PATH search and one read of at most 512 bytes."""
    value = env.get("PIPX_DEFAULT_PYTHON", "")
    if not value:
        itself = pipx_itself(env)
        return None if itself is None else os.path.realpath(itself[1])
    return _interpreter_path(value, env, resolve=True)


def pipx_itself(env: Mapping[str, str]) -> tuple[str, str] | None:
    """The `pipx` on PATH and the interpreter it runs on (its `#!` line's, a bare name looked
    up on PATH, not resolved: a venv's `bin/python`), or None when there is none or its
    interpreter cannot be told. One PATH search and one read of at
    most 512 bytes."""
    import shutil

    script = shutil.which("pipx", path=env.get("PATH", os.defpath))
    if script is None:
        return None
    try:
        with open(script, "rb") as f:
            head = f.read(512)
    except OSError:
        return None
    found = _script_interpreter(head)
    python = None if found is None else _interpreter_path(found, env, resolve=False)
    return None if python is None else (script, python)


def _interpreter_path(value: str, env: Mapping[str, str], *, resolve: bool) -> str | None:
    """An interpreter named by a path or a bare name (looked up on PATH), resolved if asked."""
    import shutil

    if "\x00" in value:
        return None
    found = value if os.sep in value else shutil.which(value, path=env.get("PATH", os.defpath))
    if not found:
        return None
    found = os.path.abspath(os.path.expanduser(found))
    return os.path.realpath(found) if resolve else found


# The second line of the /bin/sh trampoline pip (distlib) and uv write in place of a `#!` line too
# long for the kernel: `'''exec' /path/python "$0" "$@"`.
TRAMPOLINE = b"'''exec' "


def _script_interpreter(head: bytes) -> str | None:
    """The interpreter a script whose first bytes are `head` runs on: its `#!` line's; the name
    `env` looks for on PATH (`#!/usr/bin/env python3.12`, `env -S python3 -E`); or the path
    that the `/bin/sh` trampoline pip and uv write, when that path is too long for a `#!` line,
    execs (its second line, `'''exec' /path/python "$0" "$@"`, the path quoted when it holds a
    space)."""
    if not head.startswith(b"#!"):
        return None
    lines = head[2:].split(b"\n", 2)
    words = lines[0].split()
    if not words:
        return None
    program = os.path.basename(words[0])
    if program == b"env":
        names = [word for word in words[1:] if not word.startswith(b"-") and b"=" not in word]
        return os.fsdecode(names[0]) if names else None
    if program == b"sh" and len(lines) > 1 and lines[1].startswith(TRAMPOLINE):
        import shlex

        try:
            execs = shlex.split(os.fsdecode(lines[1][len(TRAMPOLINE):]))
        except ValueError:
            return None
        return execs[0] if execs else None
    return os.fsdecode(words[0])


def _expandvars(value: str, env: Mapping[str, str]) -> str:
    """os.path.expandvars against `env` (an unset variable stays as written)."""
    import re

    def one(match: re.Match[str]) -> str:
        return env.get(match.group(1).strip("{}"), match.group(0))

    return re.sub(r"\$(\w+|\{[^}]*\})", one, value, flags=re.ASCII)


def workon_home(env: Mapping[str, str]) -> Path:
    """virtualenvwrapper's WORKON_HOME as its `virtualenvwrapper_derive_workon_home` takes it
    (virtualenvwrapper.sh, 6.1): default `$HOME/.virtualenvs`; a value that starts with neither
    `/` nor `~` is put under `$HOME/` (not the working directory: `envs` is `~/envs`); one
    holding `$`, `~` or `//` is expanded (variables, then `~`) and normalised. The lazy loader
    leaves WORKON_HOME as written until a shell's first `workon`, so pytui sees it so."""
    value = env.get("WORKON_HOME", "")
    home = env.get("HOME") or str(home_dir())
    if not value:
        return Path(home) / ".virtualenvs"
    if not value.startswith(("/", "~")):
        value = f"{home}/{value}"
    if "$" in value or "~" in value or "//" in value:
        value = os.path.expanduser(_expandvars(value, env))
    return Path(os.path.abspath(value))


def config_scan_file(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    base = Path(value) if value and os.path.isabs(value) else home_dir() / ".config"
    return base / "pytui" / "scan-paths"


def _read_scan_file(config: Path, warnings: list[str]) -> bytes | None:
    """The scan-paths file's bytes; None when it is absent, or unusable (then said in
    `warnings`: a FIFO or /dev/zero there was ignored in silence, the home walked instead)."""
    from pytui.core.bounded_read import FileTooLarge, describe, read_regular_file

    try:
        return read_regular_file(config, CFG_MAX_BYTES)
    except FileNotFoundError:
        return None
    except FileTooLarge:
        # Not cut at the bound: its last line would be a path cut short.
        warnings.append(f"ignored {config}: larger than {CFG_MAX_BYTES // 1024} KiB")
    except OSError as err:
        warnings.append(f"ignored {config}: {describe(err)}; the home directory is walked instead")
    return None


def scan_paths(env: Mapping[str, str], given: Sequence[str] = ()) -> tuple[list[Path], list[str]]:
    """Project roots to walk: `--scan` values, else PYTUI_SCAN_PATHS (`:`-separated), else the
    config file (one directory per line, `#` comments), else the home directory. Returns the
    roots and warnings about entries that were ignored (relative, empty, too many)."""
    warnings: list[str] = []
    source = "--scan"
    values: list[str] = list(given)
    if not values and env.get("PYTUI_SCAN_PATHS"):
        source = "PYTUI_SCAN_PATHS"
        values = [v for v in env["PYTUI_SCAN_PATHS"].split(":") if v.strip()]
    if not values:
        config = config_scan_file(env)
        data = _read_scan_file(config, warnings)
        if data is not None:
            source = str(config)
            # Paths are bytes: one that is not UTF-8 stays the bytes it names (as os.fsdecode).
            values = [line.strip() for line in data.decode("utf-8", "surrogateescape").splitlines()
                      if line.strip() and not line.strip().startswith("#")]
    if not values:
        return [home_dir()], warnings
    roots: list[Path] = []
    seen: set[Path] = set()
    ignored = 0
    for value in values:
        if len(roots) > MAX_SCAN_PATHS:
            break  # enough to say there are too many (a list of 60,000 is not walked in full)
        path = _abs(value.strip())
        if path is None:
            if source == "--scan":
                path = Path(os.path.abspath(os.path.expanduser(value)))
            else:
                ignored += 1
                if ignored <= MAX_IGNORED_SAID:
                    warnings.append(f"ignored scan path {value[:200]!r} from {source}: "
                                    f"{_not_absolute(value.strip())}")
                continue
        if path not in seen:
            seen.add(path)
            roots.append(path)
    if ignored > MAX_IGNORED_SAID:
        warnings.append(f"ignored {ignored - MAX_IGNORED_SAID} more scan paths from {source} that are "
                        "not absolute")
    if len(roots) > MAX_SCAN_PATHS:
        warnings.append(f"only the first {MAX_SCAN_PATHS} scan paths from {source} are walked")
        roots = roots[:MAX_SCAN_PATHS]
    return roots, warnings


def time_budget(env: Mapping[str, str]) -> float:
    """PYTUI_SCAN_BUDGET seconds (a number in (0, 600]), else TIME_BUDGET when it is unset;
    any other value is a usage error naming the variable and the value."""
    raw = env.get("PYTUI_SCAN_BUDGET", "")
    if not raw:
        return TIME_BUDGET
    from pytui.core.env import ascii_seconds, shown_value

    value = ascii_seconds(raw)  # as uv reads a number: float() also takes `１２`, `1_2`, ` 12 `
    if value is None or not 0 < value <= MAX_BUDGET:
        from pytui.core.errors import UsageError

        raise UsageError(f"invalid value for environment variable PYTUI_SCAN_BUDGET: `{shown_value(raw)}` "
                         f"(expected seconds, more than 0 and at most {MAX_BUDGET:g}); fix or "
                         "unset PYTUI_SCAN_BUDGET")
    return value


def _children_with_cfg(container: Path) -> list[str]:
    try:
        with os.scandir(container) as entries:
            names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [os.path.join(container, n) for n in names
            if os.path.isfile(os.path.join(container, n, "pyvenv.cfg"))]


def tool_environments(env: Mapping[str, str]) -> tuple[list[tuple[str, str]], list[Path]]:
    """(env dir, kind) for uv tools, pipx venvs (and pipx's shared libs, kind `pipx-shared`:
    PIPX_SHARED_LIBS, else each pipx home's `shared`) and virtualenvwrapper,
    and the container dirs themselves (left out of the project walk)."""
    found: list[tuple[str, str]] = []
    containers: list[Path] = []
    tools = uv_tool_dir(env)
    containers.append(tools)
    found += [(d, "uv-tool") for d in _children_with_cfg(tools)]
    shared = pipx_shared_libs(env)
    for home in pipx_homes(env):
        containers.append(home)
        found += [(d, "pipx") for d in _children_with_cfg(home / "venvs")]
        if shared is None and os.path.isfile(home / "shared" / "pyvenv.cfg"):
            found.append((str(home / "shared"), "pipx-shared"))
    if shared is not None:
        containers.append(shared)
        if os.path.isfile(shared / "pyvenv.cfg"):
            found.append((str(shared), "pipx-shared"))
    workon = workon_home(env)
    containers.append(workon)
    found += [(d, "virtualenvwrapper") for d in _children_with_cfg(workon)]
    return found, containers

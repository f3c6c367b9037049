"""Which Python environments exist on this machine, and which managed install each one runs.

An environment is a directory holding `pyvenv.cfg` (made by `python -m venv`, `uv venv`,
virtualenv, uv tools, pipx, virtualenvwrapper), or a project's `.python-version` pin. Each is
resolved against the install root:

- through the **minor-version link** (`<root>/cpython-3.12-linux-x86_64-gnu/bin`, as
  `uv venv -p 3.12` writes it): it follows patch upgrades (`link` = `minor`);
- through a **patch directory** (`<root>/cpython-3.12.8-linux-x86_64-gnu/bin`): pinned to that
  patch (`link` = `patch`);
- through anything else (`/usr/bin`, pyenv): `external`;
- an environment whose interpreter is gone is **broken** and says what it wanted.

Where it looks: uv's tool dir, pipx's venvs, WORKON_HOME (direct children), and a depth-limited
walk of the project roots (`--scan`, PYTUI_SCAN_PATHS, `<config>/pytui/scan-paths`, else the home
directory). Walks and parsed `pyvenv.cfg` files are kept in the state dir and revalidated by
mtime, so a second scan lists no unchanged directory again. No Textual here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytui.core import envwalk
from pytui.core.atomic import write_atomic
from pytui.core.keys import parse_key
from pytui.core.models import Installation

KINDS = ("venv", "uv-tool", "pipx", "virtualenvwrapper", "pin")
# Walk at most this many levels below a project root (`~/code/org/project/.venv` is 4).
MAX_DEPTH = 6
# Seconds a scan may spend walking project roots before it stops and says it is partial.
TIME_BUDGET = 10.0
MAX_BUDGET = 600.0
# Bounds on what is read: pyvenv.cfg and .python-version are small; the state file is ours but
# still input, so its size and node count are bounded too.
CFG_MAX_BYTES = 64 * 1024
PIN_MAX_BYTES = 4 * 1024
STATE_MAX_BYTES = 64 * 1024 * 1024
STATE_MAX_NODES = 2_000_000
MAX_SCAN_PATHS = 64
MAX_SYMLINK_HOPS = 40
STATE_FILE = "envs-scan.json"
STATE_FORMAT = "pytui-envs-2"

_MINOR_NAME = re.compile(
    r"^(cpython|pypy|graalpy|pyodide)-(\d+)\.(\d+)(\+[a-z+]+)?-[a-z0-9]+-[a-z0-9_]+-[a-z0-9]+$")
_CFG_KEYS = ("home", "executable", "base-executable", "version", "version_info")


@dataclass(frozen=True)
class Environment:
    """One environment and the install it uses. `key` is None when it uses no install in the
    root (external, broken, or a pin nothing satisfies)."""

    path: Path
    kind: str
    key: str | None
    link: str | None           # "minor", "patch", "external", or None for pins
    status: str                # "ok" or "broken"
    interpreter: str | None = None   # the base interpreter it runs (or would run)
    wanted: str | None = None        # broken: the key, minor link or path it wanted
    minor: str | None = None         # the minor-version link it goes through
    version: str | None = None       # from pyvenv.cfg
    request: str | None = None       # pins: the requested version
    error: str | None = None         # why it is broken

    def how(self) -> str:
        """`follows 3.12`, `pinned to 3.12.8`, `external`, `pin 3.12`, or why it is broken."""
        if self.status == "broken":
            return f"broken: {self.error or 'wanted ' + str(self.wanted)}"
        if self.kind == "pin":
            return f"pin {self.request}" + ("" if self.key else " (no install satisfies it)")
        parts = parse_key(self.key) if self.key else None
        if self.link == "minor" and parts is not None:
            return f"follows {parts.major}.{parts.minor}"
        if self.link == "patch" and parts is not None:
            return f"pinned to {parts.version}"
        return f"external ({self.interpreter})" if self.interpreter else "external"

    def to_json(self) -> dict:
        out: dict = {"path": str(self.path), "kind": self.kind, "key": self.key,
                     "link": self.link, "status": self.status}
        for name in ("interpreter", "wanted", "minor", "version", "request", "error"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["how"] = self.how()
        return out


@dataclass
class ScanResult:
    environments: list[Environment]
    roots: list[Path]
    partial: bool = False
    reason: str | None = None          # why it is partial
    unreadable: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    listed: int = 0                    # directories listed this time
    reused: int = 0                    # directories whose stored listing was still valid
    warnings: list[str] = field(default_factory=list)

    def using(self, key: str) -> list[Environment]:
        return [env for env in self.environments if env.key == key]


# -- where to look -------------------------------------------------------------------------------


def _abs(value: str) -> Path | None:
    if not value or "\x00" in value:
        return None
    path = Path(value).expanduser()
    return Path(os.path.normpath(path)) if path.is_absolute() else None


def _data_home(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def uv_tool_dir(env: Mapping[str, str]) -> Path:
    """uv's `InstalledTools::from_settings`: UV_TOOL_DIR, else `<XDG data>/uv/tools`."""
    value = env.get("UV_TOOL_DIR", "")
    if value:
        return Path(os.path.abspath(os.path.expanduser(value)))
    return _data_home(env) / "uv" / "tools"


def pipx_homes(env: Mapping[str, str]) -> list[Path]:
    """PIPX_HOME, else pipx's default (`<XDG data>/pipx` on Linux) and its fallback `~/.local/pipx`."""
    value = env.get("PIPX_HOME", "")
    if value:
        return [Path(os.path.abspath(os.path.expanduser(value)))]
    homes = [_data_home(env) / "pipx", Path.home() / ".local" / "pipx"]
    if os.uname().sysname == "Darwin":
        homes.append(Path.home() / "Library" / "Application Support" / "pipx")
    return homes


def workon_home(env: Mapping[str, str]) -> Path:
    """virtualenvwrapper's WORKON_HOME (default `~/.virtualenvs`)."""
    value = env.get("WORKON_HOME", "")
    return Path(os.path.abspath(os.path.expanduser(value))) if value else Path.home() / ".virtualenvs"


def config_scan_file(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    base = Path(value) if value and os.path.isabs(value) else Path.home() / ".config"
    return base / "pytui" / "scan-paths"


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
        data = read_regular(config, CFG_MAX_BYTES)
        if data is not None:
            source = str(config)
            values = [line.strip() for line in data.decode("utf-8", "replace").splitlines()
                      if line.strip() and not line.strip().startswith("#")]
    if not values:
        return [Path.home()], warnings
    roots: list[Path] = []
    for value in values:
        path = _abs(value.strip())
        if path is None:
            if source == "--scan":
                path = Path(os.path.abspath(os.path.expanduser(value)))
            else:
                warnings.append(f"ignored scan path {value!r} from {source}: not an absolute path")
                continue
        if path not in roots:
            roots.append(path)
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
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_BUDGET:  # also refuses nan and inf
        from pytui.core.errors import UsageError

        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise UsageError(f"invalid value for environment variable PYTUI_SCAN_BUDGET: `{shown}` "
                         f"(expected seconds, more than 0 and at most {MAX_BUDGET:g}); fix or "
                         "unset PYTUI_SCAN_BUDGET")
    return value


# -- reading pyvenv.cfg and .python-version ---------------------------------------------------------


def parse_pyvenv_cfg(data: bytes) -> dict[str, str]:
    """The keys pytui uses (`home`, `executable`, `base-executable`, `version`, `version_info`)."""
    text = data[:CFG_MAX_BYTES].decode("utf-8", "replace")
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if not sep:
            continue
        name = name.strip().lower()
        if name in _CFG_KEYS and name not in out:
            out[name] = value.strip()[:4096]
    return out


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """Up to `limit` bytes of a regular file; None for anything else (a FIFO named pyvenv.cfg
    must not block the scan, a device must not be read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        remaining = limit
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_pin(path: str) -> str | None:
    """The first request in a `.python-version` file (comments and blank lines skipped)."""
    data = read_regular(path, PIN_MAX_BYTES)
    if data is None:
        return None
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line[:200]
    return None


def _file_id(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


# -- resolving an environment against the install root -------------------------------------------


def _exe_candidates(env_dir: str, cfg: Mapping[str, str]) -> list[str]:
    names: list[str] = []
    with contextlib.suppress(OSError):
        names.append(os.path.basename(os.readlink(os.path.join(env_dir, "bin", "python"))))
    for key in ("executable", "base-executable"):
        if cfg.get(key):
            names.append(os.path.basename(cfg[key]))
    version = cfg.get("version_info") or cfg.get("version") or ""
    match = re.match(r"^(\d+)\.(\d+)", version)
    if match:
        names.append(f"python{match[1]}.{match[2]}")
    names += ["python3", "python"]
    seen: list[str] = []
    for name in names:
        if name and "/" not in name and "\x00" not in name and name not in seen:
            seen.append(name)
    return seen


def _inside(path: str, root: str) -> str | None:
    """The first component of `path` below `root`, or None if `path` is not below it."""
    if path.startswith(root + "/"):
        return path[len(root) + 1:].split("/", 1)[0]
    return None


class Resolver:
    """Maps interpreter paths to installs in one install root (state read once per scan)."""

    def __init__(self, install_root: Path) -> None:
        self.root = os.path.normpath(os.path.abspath(install_root))
        real = os.path.realpath(self.root)
        self.roots = [self.root] if real == self.root else [self.root, real]
        self._minor_targets: dict[str, str | None] = {}

    def _minor_target(self, name: str) -> str | None:
        """The key the minor-version link `name` points to, if that install exists."""
        if name not in self._minor_targets:
            target = None
            link = os.path.join(self.root, name)
            with contextlib.suppress(OSError):
                raw = os.readlink(link)
                full = os.path.normpath(os.path.join(self.root, raw))
                base = os.path.basename(full)
                if (os.path.dirname(full) in self.roots and parse_key(base) is not None
                        and os.path.isdir(os.path.join(self.root, base))):
                    target = base
            self._minor_targets[name] = target
        return self._minor_targets[name]

    def classify(self, path: str) -> tuple[str, str | None, str | None] | None:
        """(link, key, minor name) for a path inside the root, else None."""
        for root in self.roots:
            first = _inside(path, root)
            if first is None:
                continue
            if parse_key(first) is not None:
                exists = os.path.isdir(os.path.join(self.root, first)) and not os.path.islink(
                    os.path.join(self.root, first))
                return ("patch", first if exists else None, None)
            if _MINOR_NAME.match(first):
                return ("minor", self._minor_target(first), first)
            return ("external", None, None)
        return None

    def resolve_venv(self, env_dir: str, kind: str, cfg: Mapping[str, str]) -> Environment:
        path = Path(env_dir)
        version = cfg.get("version_info") or cfg.get("version") or None
        home = cfg.get("home", "")
        if not home or not os.path.isabs(home) or "\x00" in home:
            return Environment(path, kind, None, None, "broken", version=version,
                               error="pyvenv.cfg names no absolute `home`")
        home = os.path.normpath(home)
        names = _exe_candidates(env_dir, cfg)
        exe = next((os.path.join(home, n) for n in names if os.path.lexists(os.path.join(home, n))),
                   os.path.join(home, names[0]))
        # Follow the interpreter's symlinks one hop at a time: the first hop into the root says
        # how the environment reaches its install (a bin-dir link goes through the minor link).
        current = exe
        found = None
        for _ in range(MAX_SYMLINK_HOPS):
            found = self.classify(current)
            if found is not None or not os.path.islink(current):
                break
            try:
                current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
            except OSError:
                break
        if found is None:
            real = os.path.realpath(exe)
            found = self.classify(real)
        runs = os.path.exists(exe)
        if found is None or found[0] == "external":
            if runs:
                return Environment(path, kind, None, "external", "ok", interpreter=exe, version=version)
            return Environment(path, kind, None, "external", "broken", interpreter=exe, wanted=exe,
                               version=version, error=f"wanted {exe}, which does not exist")
        link, key, minor = found
        if key is not None and runs:
            return Environment(path, kind, key, link, "ok", interpreter=exe, minor=minor,
                               version=version)
        wanted = minor if link == "minor" else _inside(current, self.root) or current
        return Environment(path, kind, None, link, "broken", interpreter=exe, wanted=wanted,
                           minor=minor, version=version,
                           error=f"wanted {wanted} ({exe}), which is not installed")


def pin_choice(request_text: str, installed: Sequence[Installation], host) -> tuple[str | None, str | None]:
    """(key, error): the install uv would choose for a `.python-version` request (newest
    matching first; a pre-release only if nothing stable matches), or None."""
    from pytui.core.errors import RequestError
    from pytui.core.requests import PythonRequest

    try:
        request = PythonRequest.parse(request_text).for_install(host)
    except RequestError as err:
        return None, str(err)
    for candidate in (request, request.with_prereleases(True)):
        for installation in installed:
            parts = parse_key(installation.key)
            if parts is not None and candidate.matches(parts):
                return installation.key, None
    return None, None


# -- the stored state ----------------------------------------------------------------------------


def _load_state(path: Path) -> dict:
    """The stored scan, or an empty one when missing, too big, or not exactly what pytui writes."""
    empty: dict = {"walks": {}, "cfg": {}}
    data = read_regular(path, STATE_MAX_BYTES + 1)
    if data is None or len(data) > STATE_MAX_BYTES:
        return empty
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return empty
    if not isinstance(doc, dict) or doc.get("format") != STATE_FORMAT:
        return empty
    walks_in, cfg_in = doc.get("walks"), doc.get("cfg")
    if not isinstance(walks_in, dict) or not isinstance(cfg_in, dict):
        return empty
    walks: dict = {}
    for root, walk in walks_in.items():
        if not (isinstance(root, str) and os.path.isabs(root) and isinstance(walk, dict)):
            return empty
        depth, skip = walk.get("depth"), walk.get("skip")
        tree = envwalk.Tree.from_json(walk.get("tree"), max_nodes=STATE_MAX_NODES)
        if type(depth) is not int or not isinstance(skip, str) or tree is None:
            return empty
        walks[root] = {"depth": depth, "skip": skip, "tree": tree}
    cfg: dict = {}
    for env_dir, entry in cfg_in.items():
        if not (isinstance(env_dir, str) and os.path.isabs(env_dir) and isinstance(entry, list)
                and len(entry) == 4 and all(type(v) is int for v in entry[:3])
                and isinstance(entry[3], dict)
                and all(k in _CFG_KEYS and isinstance(v, str) and len(v) <= 4096
                        for k, v in entry[3].items())):
            return empty
        cfg[env_dir] = (tuple(entry[:3]), dict(entry[3]))
    return {"walks": walks, "cfg": cfg}


def _save_state(path: Path, walks: dict, cfg: dict) -> None:
    doc = {
        "format": STATE_FORMAT,
        "walks": {root: {"depth": w["depth"], "skip": w["skip"], "tree": w["tree"].to_json()}
                  for root, w in walks.items()},
        "cfg": {d: [*ident, fields] for d, (ident, fields) in cfg.items()},
    }
    data = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    with contextlib.suppress(OSError):  # a cache: a scan that cannot be kept is still a scan
        write_atomic(path, data, fsync=False, make_parents=True)


# -- the scan ------------------------------------------------------------------------------------


def _dir_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _children_with_cfg(container: Path) -> list[str]:
    try:
        with os.scandir(container) as entries:
            names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [os.path.join(container, n) for n in names
            if os.path.isfile(os.path.join(container, n, "pyvenv.cfg"))]


def tool_environments(env: Mapping[str, str]) -> tuple[list[tuple[str, str]], list[Path]]:
    """(env dir, kind) for uv tools, pipx venvs (and pipx's shared libs) and virtualenvwrapper,
    and the container dirs themselves (left out of the project walk)."""
    found: list[tuple[str, str]] = []
    containers: list[Path] = []
    tools = uv_tool_dir(env)
    containers.append(tools)
    found += [(d, "uv-tool") for d in _children_with_cfg(tools)]
    for home in pipx_homes(env):
        containers.append(home)
        found += [(d, "pipx") for d in _children_with_cfg(home / "venvs")]
        if os.path.isfile(home / "shared" / "pyvenv.cfg"):
            found.append((str(home / "shared"), "pipx"))
    workon = workon_home(env)
    containers.append(workon)
    found += [(d, "virtualenvwrapper") for d in _children_with_cfg(workon)]
    return found, containers


def scan(install_root: Path, state_dir: Path, env: Mapping[str, str], *,
         roots: Sequence[Path] | None = None, extra_skip: Iterable[Path] = (),
         max_depth: int = MAX_DEPTH, budget: float | None = None,
         installed: Sequence[Installation] | None = None, host=None,
         cancelled: Callable[[], bool] | None = None, use_state: bool = True) -> ScanResult:
    """Find environments and resolve each against `install_root`.

    `roots` are the project roots (default: `scan_paths(env)`); `extra_skip` are directories the
    walk leaves out besides the install root, the tool containers and the state dir (e.g. the
    archive cache). `installed` and `host` decide which install satisfies each pin.
    """
    started = time.monotonic()
    warnings: list[str] = []
    if roots is None:
        roots, warnings = scan_paths(env)
    budget = time_budget(env) if budget is None else budget
    deadline = started + budget
    state_path = Path(state_dir) / STATE_FILE
    state = _load_state(state_path) if use_state else {"walks": {}, "cfg": {}}

    tool_envs, containers = tool_environments(env)
    skip_paths = [Path(install_root), Path(state_dir), *containers, *extra_skip]
    skip_ids = frozenset(i for i in (_dir_id(p) for p in skip_paths) if i is not None)
    # A stored walk stays valid while every directory it left out is still left out (a skip
    # dir that appears later is met as a new entry of a changed parent, and skipped then).

    result = ScanResult(environments=[], roots=list(roots), warnings=warnings)
    venv_dirs: dict[str, str] = {d: kind for d, kind in tool_envs}
    pin_files: list[str] = []
    walks = _walk_roots(result, state, roots, max_depth=max_depth, deadline=deadline,
                        budget=budget, skip_ids=skip_ids, cancelled=cancelled,
                        venv_dirs=venv_dirs, pin_files=pin_files)
    if installed is None:
        from pytui.core.installed import list_installed

        installed = list_installed(Path(install_root))
    cfg_cache = _resolve_venvs(result, Resolver(Path(install_root)), venv_dirs, state["cfg"])
    if pin_files and host is None:
        from pytui.core.platform_detect import detect_host

        host = detect_host(env)
    _resolve_pins(result, pin_files, installed, host)
    result.environments.sort(key=lambda e: (str(e.path), e.kind))
    # An unchanged scan leaves the file as it is (writing 100,000 directories costs more than
    # checking them).
    unchanged = (set(walks) == set(state["walks"])
                 and all(walks[k]["tree"] == state["walks"][k]["tree"]
                         and walks[k]["skip"] == state["walks"][k]["skip"] for k in walks)
                 and cfg_cache == state["cfg"])
    if use_state and not unchanged:
        _save_state(state_path, walks, cfg_cache)
    result.elapsed = time.monotonic() - started
    return result


def _walk_roots(result: ScanResult, state: dict, roots: Sequence[Path], *, max_depth: int,
                deadline: float, budget: float, skip_ids: frozenset[tuple[int, int]],
                cancelled: Callable[[], bool] | None, venv_dirs: dict[str, str],
                pin_files: list[str]) -> dict:
    """Walk each project root (reusing its stored walk); returns the walks to keep."""
    # A stored walk stays valid while every directory it left out is still left out (a skip
    # dir that appears later is met as a new entry of a changed parent, and skipped then).
    skip_sig = ",".join(sorted(f"{d}:{i}" for d, i in skip_ids))
    skip_set = set(filter(None, skip_sig.split(",")))
    walks: dict = {}
    for root in roots:
        key = str(root)
        old = state["walks"].get(key)
        old_tree = None
        if old and old["depth"] == max_depth and set(filter(None, old["skip"].split(","))) <= skip_set:
            old_tree = old["tree"]
        if not os.path.isdir(root):
            result.warnings.append(f"scan path {root} is not a directory; skipped")
            continue
        walked = envwalk.walk(key, max_depth=max_depth, deadline=deadline, old=old_tree,
                              skip_ids=skip_ids, cancelled=cancelled)
        if len(walked.tree):
            walks[key] = {"depth": max_depth, "skip": skip_sig, "tree": walked.tree}
        result.listed += walked.listed
        result.reused += walked.reused
        result.unreadable += walked.unreadable
        for d in walked.venvs:
            venv_dirs.setdefault(d, "venv")
        pin_files += walked.pins
        if walked.partial:
            result.partial = True
            result.reason = (f"stopped after the {budget:g} s time budget (PYTUI_SCAN_BUDGET); "
                             "the next scan continues where this one stopped")
            break
    # Roots not walked this time (partial) keep their stored walk.
    for key, walk in state["walks"].items():
        if key not in walks and Path(key) in roots:
            walks[key] = walk
    return walks


def _resolve_venvs(result: ScanResult, resolver: Resolver, venv_dirs: Mapping[str, str],
                   stored_cfg: Mapping) -> dict:
    """Read (or reuse, when unchanged) each pyvenv.cfg and resolve it; returns the cfg cache."""
    cfg_cache: dict = {}
    for env_dir, kind in venv_dirs.items():
        cfg_path = os.path.join(env_dir, "pyvenv.cfg")
        ident = _file_id(cfg_path)
        if ident is None:
            continue
        stored = stored_cfg.get(env_dir)
        if stored is not None and stored[0] == ident:
            fields = stored[1]
        else:
            data = read_regular(cfg_path, CFG_MAX_BYTES)
            if data is None:
                result.environments.append(Environment(
                    Path(env_dir), kind, None, None, "broken",
                    error="pyvenv.cfg is not a readable regular file"))
                continue
            fields = parse_pyvenv_cfg(data)
        cfg_cache[env_dir] = (ident, fields)
        result.environments.append(resolver.resolve_venv(env_dir, kind, fields))
    return cfg_cache


def _resolve_pins(result: ScanResult, pin_files: Sequence[str], installed: Sequence[Installation],
                  host) -> None:
    for pin in pin_files:
        text = read_pin(pin)
        if text is None:
            result.environments.append(Environment(Path(pin), "pin", None, None, "broken",
                                                   error="empty or unreadable .python-version"))
            continue
        key, error = pin_choice(text, installed, host)
        status = "broken" if error else "ok"
        result.environments.append(Environment(Path(pin), "pin", key, None, status, request=text,
                                               error=error))


def scan_for_settings(settings, *, roots: Sequence[str] | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      installed: Sequence[Installation] | None = None) -> ScanResult:
    """`scan` with the paths of a `Settings` (install root, archive cache, state dir, env)."""
    env = settings.env
    paths = None
    warnings: list[str] = []
    if roots:
        paths, warnings = scan_paths(env, roots)
    result = scan(settings.install_root, settings.state_dir, env, roots=paths,
                  extra_skip=[settings.cache_dir], cancelled=cancelled, installed=installed)
    result.warnings[:0] = warnings
    return result


# -- what removing installs would do -------------------------------------------------------------


def _minor_group(key: str) -> tuple | None:
    parts = parse_key(key)
    if parts is None:
        return None
    return (parts.implementation, parts.major, parts.minor, parts.variant, parts.os, parts.arch,
            parts.libc)


def would_break(environments: Iterable[Environment], removing: Iterable[str],
                remaining: Iterable[str]) -> list[Environment]:
    """Environments that stop working when the installs `removing` go and `remaining` stay.

    One pinned to a removed patch breaks. One following a minor-version link breaks only if no
    other patch of that minor (same implementation, variant and platform) remains, since the
    link then moves to the highest remaining one. External, already broken environments and
    pins (uv would install what a pin asks for) never count.
    """
    gone = set(removing)
    groups_left = {_minor_group(k) for k in remaining if k not in gone}
    out = []
    for env in environments:
        if env.status != "ok" or env.kind == "pin" or env.key not in gone:
            continue
        if env.link == "minor" and _minor_group(env.key) in groups_left:
            continue
        out.append(env)
    return out

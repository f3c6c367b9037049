"""Stand-in interpreters uv can query, so `uv python list` can be compared on installed rows.

uv runs each managed install's executable to learn its version and platform. A stand-in is a
small script (shebang: the test's own Python) that runs the real interpreter with uv's query
and rewrites the answer's version, os and arch: uv then sees e.g. a CPython 3.14.0rc2 or a
Pyodide, while pytui reads the same install directory by its name.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SCRIPT = '''#!{python}
import json, subprocess, sys
FAKE = {fake!r}
done = subprocess.run([{base!r}, *sys.argv[1:]], stdout=subprocess.PIPE)
out = done.stdout
try:
    info = json.loads(out)
except ValueError:
    info = None
if isinstance(info, dict) and info.get("result") == "success":
    markers = info["markers"]
    version = FAKE["version"]
    markers["implementation_version"] = markers["python_full_version"] = version
    markers["python_version"] = ".".join(version.split(".")[:2])
    markers.update(FAKE.get("markers", {{}}))
    for key in ("os", "arch"):
        if key in FAKE:
            info[key] = FAKE[key]
    out = json.dumps(info).encode()
sys.stdout.buffer.write(out)
sys.exit(done.returncode)
'''

PYODIDE = {"os": {"name": "pyemscripten", "major": 2025, "minor": 0}, "arch": "wasm32",
           "markers": {"sys_platform": "emscripten", "platform_machine": "wasm32",
                       "platform_system": "Emscripten"}}


def base_interpreter() -> str:
    """The interpreter this one's virtual environment was made from (or this one).

    The query runs in the base interpreter: uv ignores a virtual environment's interpreter as
    "not managed". Before 3.11, `sys._base_executable` inside a venv names the venv's own
    python, so the base is looked up in `sys.base_prefix` instead.
    """
    base = getattr(sys, "_base_executable", None) or sys.executable
    if sys.prefix != sys.base_prefix and Path(base).parent == Path(sys.prefix) / "bin":
        major, minor = sys.version_info[:2]
        for name in (f"python{major}.{minor}", f"python{major}", "python"):
            candidate = Path(sys.base_prefix) / "bin" / name
            if candidate.is_file():
                return str(candidate)
    return base


def make_standin(root: Path, key: str, executable: str, version: str, **fake: object) -> Path:
    """An install `root/key` whose `executable` (relative) answers uv as `version`."""
    path = root / key / executable
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_SCRIPT.format(python=sys.executable, base=base_interpreter(),
                                   fake={"version": version, **fake}))
    path.chmod(0o755)
    return path

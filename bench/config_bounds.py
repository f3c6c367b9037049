"""What tomllib costs on a configuration file at pytui's size bounds (core/uv_config_file.py:
MAX_CONFIG_BYTES for a uv.toml, MAX_PYPROJECT_BYTES for a pyproject.toml), beside the
largest real files' sizes (docs/uv-compat.md#configuration-files).

    python bench/config_bounds.py [--rounds 5] [--like PATH]

Writes, at each bound exactly, a file of each shape and times `tomllib.loads` on it (CPU
time, best and worst of `--rounds`): `real`, the tables of a real pyproject.toml (`--like`,
this repository's by default; a large project's, such as Home Assistant's, is closer to the
sizes surveyed) copied under distinct names until the bound; `index`, `[[index]]` tables with a
name and a URL (what a large uv.toml holds); `headers`, one-line table headers; `arrays`, an
array of `[1]` arrays (the costliest shape found). State the load (printed) beside any figure;
for counts that load does not change, run one file under `valgrind --tool=callgrind` and
subtract a run that only reads it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser as a package, as core/uv_config_file.py reads it
    import tomli as tomllib


def _fit(parts: list[str], limit: int) -> str:
    """The parts that fit in `limit` bytes, padded to exactly `limit` with a comment."""
    out, size = [], 0
    for part in parts:
        if size + len(part.encode()) > limit - 2:
            break
        out.append(part)
        size += len(part.encode())
    text = "".join(out)
    return text + "#" * (limit - len(text.encode()) - 1) + "\n"


def real(like: Path, limit: int) -> str:
    base = like.read_text(encoding="utf-8")
    parts: list[str] = []
    copy = 0
    while sum(map(len, parts)) < limit:
        copy += 1
        text = re.sub(r"^\[\[", f"[[copy{copy}.", base, flags=re.M)
        text = re.sub(r"^\[(?!\[)", f"[copy{copy}.", text, flags=re.M)
        parts += [part for part in re.split(r"(?m)^(?=\[)", text) if part.startswith("[")]
    return _fit(parts, limit)


def index(limit: int) -> str:
    return _fit([f'[[index]]\nname = "i{n}"\nurl = "https://pypi.example/{n}/simple"\n'
                 for n in range(limit // 40)], limit)


def headers(limit: int) -> str:
    return _fit([f"[t{n}]\n" for n in range(limit // 4)], limit)


def arrays(limit: int) -> str:
    count = (limit - 16) // 4
    text = "a = [" + "[1]," * count + "]\n"
    return text + "#" * (limit - len(text.encode()) - 1) + "\n"


def _cpu(parse: Callable[[], object], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        parse()
        times.append(time.process_time() - start)
    return min(times), max(times)


def main() -> int:
    from pytui.core.uv_config_file import MAX_CONFIG_BYTES, MAX_PYPROJECT_BYTES

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--like", type=Path, default=REPO / "pyproject.toml")
    parser.add_argument("--keep", type=Path, help="write the files into this directory")
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; Python {sys.version.split()[0]}; "
          f"real shape from {args.like}")
    for name, limit in (("uv.toml", MAX_CONFIG_BYTES), ("pyproject.toml", MAX_PYPROJECT_BYTES)):
        shapes = {"real": lambda lim: real(args.like, lim), "index": index, "headers": headers,
                  "arrays": arrays}
        for shape, make in shapes.items():
            text = make(limit)
            assert len(text.encode()) == limit, (shape, len(text.encode()))
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"{name}-{shape}.toml").write_text(text, encoding="utf-8")
            best, worst = _cpu(lambda: tomllib.loads(text), args.rounds)  # noqa: B023
            print(f"{name:15} {limit // 1024:4} KiB  {shape:8} tomllib.loads CPU best {best * 1000:7.1f} ms"
                  f"  worst {worst * 1000:7.1f} ms")
    print(f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

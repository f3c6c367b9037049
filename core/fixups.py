"""uv's post-extract fix-ups of an install directory (docs/uv-compat.md#fix-ups), idempotent.

uv runs these on every install, fresh or already present, in this order:
`EXTERNALLY-MANAGED`, the `_sysconfigdata_*.py` patch (+ `lib/pkgconfig/*.pc`), the
canonical `bin/python` name, the `BUILD` file. pytui runs them on the staged tree before
the rename into place, with `final_prefix` (the install's path under the root) as the
prefix written into sysconfig, so the install is complete the moment it appears.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

from pytui.core.errors import InstallError
from pytui.core.keys import KeyParts, parse_key

# uv's exact text (crates/uv-python/src/managed.rs, EXTERNALLY_MANAGED).
EXTERNALLY_MANAGED = (
    "[externally-managed]\n"
    "Error=This Python installation is managed by uv and should not be modified.\n"
)
SYSCONFIG_HEADER = "# system configuration generated and used by the sysconfig module\n"
# PBS builds with --prefix=/install.
PBS_PREFIX = "/install"

_GCC_TRIPLES = ("aarch64-linux-gnu", "arm-linux-gnueabi", "arm-linux-gnueabihf", "loongarch64-linux-gnu",
                "mips-linux-gnu", "mipsel-linux-gnu", "powerpc64le-linux-gnu", "s390x-linux-gnu",
                "x86_64-linux-gnu")
# uv's generated table (sysconfig/generated_mappings.rs, from PBS targets.yml): whole
# whitespace-separated words replaced in these variables; AR is replaced entirely.
_CC_WORDS = {**{f"/usr/bin/{t}-gcc": "cc" for t in _GCC_TRIPLES},
             "/usr/bin/riscv64-linux-gnu-clang": "cc", "/usr/bin/riscv64-linux-gnu-gcc": "cc",
             "clang": "cc", "musl-clang": "cc"}
_CXX_WORDS = {**{f"/usr/bin/{t}-g++": "c++" for t in _GCC_TRIPLES},
              "/usr/bin/riscv64-linux-gnu-clang++": "c++", "/usr/bin/riscv64-linux-gnu-g++": "c++",
              "clang++": "c++"}
WORD_REPLACEMENTS: dict[str, dict[str, str]] = {
    "CC": _CC_WORDS, "BLDSHARED": _CC_WORDS, "LDSHARED": _CC_WORDS, "LINKCC": _CC_WORDS,
    "CXX": _CXX_WORDS, "LDCXXSHARED": _CXX_WORDS,
}
FULL_REPLACEMENTS = {"AR": "ar"}

_EXECUTABLE_SUFFIX = {"default": "", "debug": "d", "freethreaded": "t", "freethreaded+debug": "td"}


def lib_suffix(variant: str) -> str:
    """`t` for free-threaded builds (`lib/python3.13t`), else empty (uv's `lib_suffix`)."""
    return "t" if variant.startswith("freethreaded") else ""


def executable_suffix(variant: str) -> str:
    """`t`, `d`, `td` or empty (uv's `executable_suffix`): `python3.13t`, `python3.12d`."""
    return _EXECUTABLE_SUFFIX.get(variant, "")


def python_dir(install: Path) -> Path:
    """Where the prefix is: `install/` for an unstripped full archive, else the dir itself."""
    inner = install / "install"
    return inner if inner.is_dir() else install


def stdlib_dir(install: Path, parts: KeyParts) -> Path:
    base = python_dir(install)
    if parts.os == "windows":
        return base / "Lib"
    if parts.implementation == "pypy":
        return base / "lib" / f"pypy{parts.major}.{parts.minor}"
    return base / "lib" / f"python{parts.major}.{parts.minor}{lib_suffix(parts.variant)}"


def executable_path(install: Path, parts: KeyParts) -> Path:
    """The canonical interpreter (uv's `executable(false)`): `bin/python3.12t`, `python.exe`..."""
    base = python_dir(install)
    windows = parts.os == "windows"
    if parts.implementation == "graalpy":
        return base / "bin" / ("graalpy.exe" if windows else "graalpy")
    if parts.implementation == "pyodide" or parts.os == "emscripten":
        return base / "python"
    if parts.implementation == "pypy":
        name = f"pypy{parts.major}.{parts.minor}"
    elif windows:
        name = "python"
    else:
        name = f"python{parts.major}.{parts.minor}{executable_suffix(parts.variant)}"
    return base / (name + ".exe") if windows else base / "bin" / name


def _parts(key: str | KeyParts) -> KeyParts:
    if isinstance(key, KeyParts):
        return key
    parts = parse_key(key)
    if parts is None:
        raise InstallError(f"{key} is not an installation key (like cpython-3.12.8-linux-x86_64-gnu)")
    return parts


# --------------------------------------------------------------------------------------------
# Atomic small-file writes
# --------------------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` via a temp file + fsync + rename, so a crash leaves old or new."""
    directory = path.parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is None:
            try:
                mode = os.stat(path).st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o644
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    write_atomic(path, text.encode("utf-8"))
    return True


# --------------------------------------------------------------------------------------------
# EXTERNALLY-MANAGED
# --------------------------------------------------------------------------------------------


def ensure_externally_managed(install: Path, key: str | KeyParts) -> Path | None:
    """Write PEP 668's `EXTERNALLY-MANAGED` (uv's text) into the stdlib dir; None for emscripten."""
    parts = _parts(key)
    if parts.os == "emscripten" or parts.implementation == "pyodide":
        return None  # the stdlib is a zip there
    target = stdlib_dir(install, parts) / "EXTERNALLY-MANAGED"
    try:
        _write_if_changed(target, EXTERNALLY_MANAGED)
    except OSError as err:
        raise InstallError(f"cannot write {target}: {err.strerror}; check the install dir is writable") from None
    return target


# --------------------------------------------------------------------------------------------
# sysconfig
# --------------------------------------------------------------------------------------------


def _update_prefix(value: str, real_prefix: str) -> str:
    words = []
    for word in value.split():
        # uv matches any word starting with "/install"; only the prefix itself or a path under
        # it is a real match (a root under `/installs/...` must survive a second run).
        if word == PBS_PREFIX:
            word = real_prefix
        elif word.startswith(PBS_PREFIX + "/"):
            word = real_prefix.rstrip("/") + word[len(PBS_PREFIX):]
        words.append(word)
    return " ".join(words)


def _remove_isysroot(value: str) -> str:
    words = value.split()
    out = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "-isysroot":
            skip = True
        else:
            out.append(word)
    return " ".join(out)


def patch_sysconfig_vars(values: dict[str, object], real_prefix: str) -> dict[str, object]:
    """uv's `patch_sysconfigdata`: for each string value, `/install` words -> `real_prefix`,
    `-isysroot <sdk>` pairs dropped (both also normalise whitespace to single spaces, as uv's
    do), compiler words replaced per variable, `AR` -> `ar`; then `PYTHON_BUILD_STANDALONE: 1`.
    """
    patched: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = _remove_isysroot(_update_prefix(value, real_prefix))
            words = WORD_REPLACEMENTS.get(key)
            if words:
                value = " ".join(words.get(word, word) for word in value.split())
            if key in FULL_REPLACEMENTS:
                value = FULL_REPLACEMENTS[key]
        patched[key] = value
    patched["PYTHON_BUILD_STANDALONE"] = 1
    return patched


def parse_sysconfigdata(text: str, source: str = "_sysconfigdata") -> dict[str, object]:
    """The `build_time_vars` dict of a `_sysconfigdata_*.py` (pprint'd by CPython or JSON by uv)."""
    marker = text.find("build_time_vars")
    if marker < 0:
        raise InstallError(f"{source} has no build_time_vars assignment; the archive is not a CPython build")
    equals = text.find("=", marker)
    try:
        values = ast.literal_eval(text[equals + 1:].strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError) as err:
        raise InstallError(f"cannot parse {source}: {err}; the archive's sysconfig data is damaged") from None
    if not isinstance(values, dict):
        raise InstallError(f"cannot parse {source}: build_time_vars is not a dict")
    for key, value in values.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InstallError(f"cannot parse {source}: {key!r} is not a string or integer variable")
    return values


def format_sysconfigdata(values: dict[str, object]) -> str:
    """uv's `to_string_pretty`: keys sorted, JSON with 4-space indent (valid Python)."""
    body = json.dumps(dict(sorted(values.items())), indent=4, ensure_ascii=False)
    return f"{SYSCONFIG_HEADER}build_time_vars = {body}\n"


def patch_sysconfig_text(text: str, real_prefix: str, source: str = "_sysconfigdata") -> str:
    return format_sysconfigdata(patch_sysconfig_vars(parse_sysconfigdata(text, source), real_prefix))


def find_sysconfigdata(install: Path, key: str | KeyParts) -> Path | None:
    """`lib/python3.X{t}/_sysconfigdata_*.py`: a regular file, not a symlink (first in dir order)."""
    lib = stdlib_dir(install, _parts(key))
    try:
        with os.scandir(lib) as entries:
            for entry in entries:
                if (entry.name.startswith("_sysconfigdata_") and entry.name.endswith(".py")
                        and entry.is_file(follow_symlinks=False)):
                    return Path(entry.path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return None


def patch_pkgconfig_text(text: str) -> str | None:
    """`word=/install` lines -> `word=${pcfiledir}/../..`; None when nothing changes.

    Byte-for-byte as uv writes it: uv rejoins Rust's `lines()` with `\n`, so `\r\n` becomes
    `\n` and the final newline is dropped (pkg-config does not mind).
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    changed = False
    for index, line in enumerate(lines):
        if line.endswith("\r"):
            line = lines[index] = line[:-1]
        name, sep, value = line.partition("=")
        if sep and value == PBS_PREFIX and name.isascii() and (name == "" or name.isalpha()):
            lines[index] = f"{name}=${{pcfiledir}}/../.."
            changed = True
    return "\n".join(lines) if changed else None


def ensure_sysconfig_patched(install: Path, key: str | KeyParts, final_prefix: Path | None = None) -> Path | None:
    """Patch `_sysconfigdata_*.py` for `final_prefix` (default: `install`), then `lib/pkgconfig/*.pc`.

    Runs for CPython on Unix targets only (as uv). A CPython tree without its stdlib dir or
    sysconfig data is refused, as uv refuses it. Returns the patched file, or None when skipped.
    """
    parts = _parts(key)
    if sys.platform == "win32" or parts.os in ("windows", "emscripten") or parts.implementation != "cpython":
        return None
    real_prefix = os.path.abspath(final_prefix or install)
    lib = stdlib_dir(install, parts)
    if not lib.is_dir():
        raise InstallError(f"{parts.key} has no {lib.relative_to(install)} directory; "
                           "the archive is not a CPython build for this key")
    found = find_sysconfigdata(install, parts)
    if found is None:
        raise InstallError(f"{parts.key} has no _sysconfigdata_*.py in {lib.relative_to(install)}; "
                           "the archive is not a CPython build for this key")
    try:
        text = found.read_text(encoding="utf-8")
        _write_if_changed(found, patch_sysconfig_text(text, real_prefix, found.name))
        pkgconfig = python_dir(install) / "lib" / "pkgconfig"
        if pkgconfig.is_dir():
            with os.scandir(pkgconfig) as entries:
                pcs = [Path(e.path) for e in entries if e.name.endswith(".pc") and e.is_file(follow_symlinks=False)]
            for pc in pcs:
                new = patch_pkgconfig_text(pc.read_text(encoding="utf-8"))
                if new is not None:
                    write_atomic(pc, new.encode("utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InstallError(f"cannot patch sysconfig of {parts.key}: {err}") from None
    return found


# --------------------------------------------------------------------------------------------
# bin/python and BUILD
# --------------------------------------------------------------------------------------------


def ensure_python_link(install: Path, key: str | KeyParts) -> Path | None:
    """Add `bin/python -> python3.X` when missing (PBS before 20240726 lacks it); Unix targets only.

    The target is `python{M}.{m}` as uv links it, or the variant name (`python3.13t`) when
    only that exists.
    """
    parts = _parts(key)
    if parts.os == "windows" or sys.platform == "win32":
        return None
    bin_dir = python_dir(install) / "bin"
    if not bin_dir.is_dir():
        return None
    link = bin_dir / "python"
    if os.path.lexists(link):
        return link
    name = f"python{parts.major}.{parts.minor}"
    if not os.path.lexists(bin_dir / name):
        name += executable_suffix(parts.variant)
        if not os.path.lexists(bin_dir / name):
            return None
    with contextlib.suppress(FileExistsError):
        os.symlink(name, link)
    return link


def ensure_build_file(install: Path, build: str | None) -> Path | None:
    """Write `BUILD` (the PBS release, e.g. `20250115`) as uv does; nothing when unknown."""
    if not build:
        return None
    target = install / "BUILD"
    try:
        _write_if_changed(target, build)
    except OSError as err:
        raise InstallError(f"cannot write {target}: {err.strerror}") from None
    return target


def apply_fixups(install: Path, key: str | KeyParts, *, build: str | None,
                 final_prefix: Path | None = None) -> None:
    """All of uv's fix-ups on `install` (staged or in place), in uv's order; safe to repeat."""
    parts = _parts(key)
    ensure_externally_managed(install, parts)
    ensure_sysconfig_patched(install, parts, final_prefix)
    ensure_python_link(install, parts)
    ensure_build_file(install, build)

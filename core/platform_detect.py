"""The host platform in uv's display strings: os, arch, libc, and the x86-64 level.

What uv does (docs/uv-compat.md#host-platform):
- os and arch come from the build target; uv never picks an x86-64 level by itself, so the
  host arch is plain `x86_64` and `pytui list` filters on it exactly as `uv python list` does.
  The level (v2/v3/v4) is detected here for display and for explicit `x86_64_v3` choices;
- libc: `UV_LIBC` when set and non-empty (Linux only), else the dynamic loader named in the
  ELF header of `/bin/sh` (then `/usr/bin/env`, `/bin/dash`, `/bin/ls`), else the loader found
  on disk; musl loaders are `ld-musl-*`;
- on 32-bit ARM, glibc/musl become `gnueabihf`/`musleabihf` when `/proc/cpuinfo` `Features`
  lists `vfp` or `fp`, else `gnueabi`/`musleabi`.

The x86-64 levels are the psABI's, spelled as /proc/cpuinfo flags (`pni` is SSE3, `abm` is
LZCNT, `xsave` stands for OSXSAVE).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from pytui.core.errors import UsageError
from pytui.core.keys import TYPE_CHECKING, _fields

if TYPE_CHECKING:
    from typing import Literal

X86_64_LEVEL_FLAGS: dict[str, frozenset[str]] = {
    "v2": frozenset({"cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"}),
    "v3": frozenset({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}),
    "v4": frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}),
}
LIBC_NAMES = ("gnu", "gnueabi", "gnueabihf", "musl", "musleabi", "musleabihf", "none")
_LD_PROBES = ("/bin/sh", "/usr/bin/env", "/bin/dash", "/bin/ls")
_LD_CANDIDATES = {
    "x86_64": ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-musl-x86_64.so.1"),
    "x86": ("/lib/ld-linux.so.2", "/lib/ld-musl-i386.so.1"),
    "aarch64": ("/lib/ld-linux-aarch64.so.1", "/lib/ld-musl-aarch64.so.1"),
    "armv7": ("/lib/ld-linux-armhf.so.3", "/lib/ld-linux.so.3", "/lib/ld-musl-armhf.so.1",
              "/lib/ld-musl-arm.so.1"),
}
_MACHINES = {
    "x86_64": "x86_64", "amd64": "x86_64", "x64": "x86_64",
    "i386": "x86", "i486": "x86", "i586": "x86", "i686": "x86", "x86": "x86",
    "aarch64": "aarch64", "arm64": "aarch64", "armv8l": "armv7", "armv7l": "armv7",
    "armv7": "armv7", "armv6l": "armv6", "armv5tel": "armv5te",
    "ppc64le": "powerpc64le", "s390x": "s390x", "riscv64": "riscv64gc",
}
_OS_NAMES = {"linux": "linux", "darwin": "macos", "win32": "windows", "cygwin": "windows",
             "emscripten": "emscripten"}


class HostPlatform(tuple):
    """The host as uv names it: `os`, `arch`, `libc` join to `linux-x86_64-gnu`.

    `x86_64_level` is `v1`..`v4` on x86_64 hosts whose level could be read; None elsewhere.
    A tuple with named fields as core/keys.py makes them: `pytui list` detects the host on every
    run, dataclasses cost an import and collections.namedtuple compiles its `__new__` at import.
    """

    __slots__ = ()
    _fields = ("os", "arch", "libc", "x86_64_level")
    if TYPE_CHECKING:
        os: str
        arch: str
        libc: str
        x86_64_level: str | None

    def __new__(cls, os: str, arch: str, libc: str, x86_64_level: str | None = None) -> HostPlatform:
        return tuple.__new__(cls, (os, arch, libc, x86_64_level))

    @property
    def platform(self) -> str:
        return f"{self.os}-{self.arch}-{self.libc}"

    @property
    def best_arch(self) -> str:
        """The most specific arch the CPU runs: `x86_64_v3` on a v3 machine, else `arch`."""
        if self.arch == "x86_64" and self.x86_64_level in {"v2", "v3", "v4"}:
            return f"x86_64_{self.x86_64_level}"
        return self.arch

    def supports_arch(self, arch: str) -> bool:
        """Whether this host's CPU can run a build for `arch` (an x86_64 level at or below ours)."""
        if arch == self.arch:
            return True
        if self.arch == "x86_64" and arch.startswith("x86_64_v"):
            level = self.x86_64_level or "v1"
            return arch[len("x86_64_"):] <= level
        return False


def cpu_flags(cpuinfo_text: str) -> set[str]:
    """The `flags` (x86) or `Features` (ARM) words of the first CPU in /proc/cpuinfo text."""
    for line in cpuinfo_text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() in {"flags", "Features"}:
            return set(value.split())
    return set()


def x86_64_level(flags: Iterable[str]) -> str:
    """The highest psABI level whose flags (and every lower level's) are all present."""
    present = set(flags)
    level = "v1"
    for name in ("v2", "v3", "v4"):
        if not X86_64_LEVEL_FLAGS[name] <= present:
            break
        level = name
    return level


def has_hardware_float(flags: Iterable[str]) -> bool:
    """ARM hard-float ABI: `vfp` (arm32 kernel) or `fp` (aarch64 kernel, arm32 userland)."""
    return any(flag in {"vfp", "fp"} for flag in flags)


def elf_interpreter(path: str | os.PathLike[str]) -> str | None:
    """The PT_INTERP path (dynamic loader) from an ELF file's program headers, or None.

    Fields read with `int.from_bytes` from slices whose length is checked first, not with
    `struct` (whose import was ~0.5% of an install from a tree, cachegrind)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(64)
            if len(header) < 52 or header[:4] != b"\x7fELF":
                return None
            is_64 = header[4] == 2
            order: Literal["little", "big"] = "little" if header[5] == 1 else "big"
            if is_64:
                if len(header) < 64:
                    return None
                phoff = int.from_bytes(header[32:40], order)
                phentsize, phnum = int.from_bytes(header[54:56], order), int.from_bytes(header[56:58], order)
            else:
                phoff = int.from_bytes(header[28:32], order)
                phentsize, phnum = int.from_bytes(header[42:44], order), int.from_bytes(header[44:46], order)
            handle.seek(phoff)
            table = handle.read(phentsize * phnum)
            for index in range(phnum):
                entry = table[index * phentsize:(index + 1) * phentsize]
                if len(entry) < (56 if is_64 else 32):
                    return None
                if int.from_bytes(entry[0:4], order) != 3:  # p_type PT_INTERP
                    continue
                if is_64:
                    offset, size = int.from_bytes(entry[8:16], order), int.from_bytes(entry[32:40], order)
                else:
                    offset, size = int.from_bytes(entry[4:8], order), int.from_bytes(entry[16:20], order)
                handle.seek(offset)
                return handle.read(size).rstrip(b"\0").decode("utf-8", "replace") or None
    except (OSError, ValueError, OverflowError):
        return None
    return None


def libc_of_loader(loader: str) -> str:
    """`gnu` or `musl` from a dynamic loader's path (`/lib/ld-musl-x86_64.so.1` -> musl)."""
    return "musl" if "ld-musl" in Path(loader).name else "gnu"


def _detect_loader(arch: str, root: Path) -> str | None:
    for probe in _LD_PROBES:
        loader = elf_interpreter(root / probe.lstrip("/"))
        if loader:
            return loader
    for candidate in _LD_CANDIDATES.get(arch, ()):
        if os.path.exists(root / candidate.lstrip("/")):
            return candidate
    return None


def host_os(sys_platform: str | None = None) -> str:
    name = sys_platform or sys.platform
    return _OS_NAMES.get(name, "linux" if name.startswith("linux") else name)


def host_arch(machine: str | None = None, pointer_bits: int | None = None) -> str:
    """uv's display name of the running interpreter's architecture family."""
    if machine is None:
        # platform.machine() is os.uname() on POSIX; the platform module is only needed elsewhere.
        if hasattr(os, "uname"):
            machine = os.uname().machine
        else:
            import platform

            machine = platform.machine()
    machine = machine.lower()
    arch = _MACHINES.get(machine, machine)
    bits = pointer_bits or (64 if sys.maxsize > 2**32 else 32)
    # A 32-bit userland on a 64-bit kernel runs (and needs) 32-bit builds.
    if bits == 32 and arch == "x86_64":
        return "x86"
    if bits == 32 and arch == "aarch64":
        return "armv7"
    return arch


def _linux_libc(arch: str, env: Mapping[str, str], root: Path, flags: set[str]) -> str:
    override = env.get("UV_LIBC", "")
    if override:
        if override not in LIBC_NAMES:
            from pytui.core.env import shown_value  # cut: a 100 KB value was a 100 KB line

            raise UsageError(f"UV_LIBC={shown_value(override)!r} is not a libc uv knows "
                             f"({', '.join(LIBC_NAMES)}); unset it or use one of those")
        return override
    loader = _detect_loader(arch, root)
    if loader is not None:
        libc = libc_of_loader(loader)
    else:
        # No loader found (distroless, static shells): trust the running interpreter's libc.
        import platform

        libc = "gnu" if platform.libc_ver()[0] == "glibc" else "musl"
    if arch in {"armv7", "armv6", "armv5te"}:
        return f"{libc}eabihf" if has_hardware_float(flags) else f"{libc}eabi"
    return libc


def _read_cpuinfo(root: Path) -> str:
    try:
        return (root / "proc" / "cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def detect_host(env: Mapping[str, str] | None = None, *, sys_platform: str | None = None,
                machine: str | None = None, pointer_bits: int | None = None,
                cpuinfo_text: str | None = None, root: Path | str = "/",
                cpu_level: bool = True) -> HostPlatform:
    """Detect the host platform. Every input can be given, so tests need no particular machine.

    `cpu_level=False` skips reading /proc/cpuinfo on x86_64 (the level is then None); 32-bit
    ARM still reads it, as its libc name depends on the float ABI.

    Raises `UsageError` for a `UV_LIBC` value uv would refuse.
    """
    env = os.environ if env is None else env
    root = Path(root)
    os_name = host_os(sys_platform)
    arch = host_arch(machine, pointer_bits)
    needs_cpuinfo = os_name == "linux" and ((arch == "x86_64" and cpu_level)
                                            or arch.startswith("arm"))
    if cpuinfo_text is None:
        cpuinfo_text = _read_cpuinfo(root) if needs_cpuinfo else ""
    flags = cpu_flags(cpuinfo_text)
    level = x86_64_level(flags) if arch == "x86_64" and flags else None
    if os_name == "linux":
        libc = _linux_libc(arch, env, root, flags)
    elif os_name == "emscripten":
        libc = "musl"
    else:
        libc = "none"
    return HostPlatform(os=os_name, arch=arch, libc=libc, x86_64_level=level)


_fields(HostPlatform, HostPlatform._fields)

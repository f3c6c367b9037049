"""uv's ordering of installation keys (`PythonInstallationKey`'s `Ord`, docs/uv-compat.md#key-order).

uv compares implementation, then version (PEP 440: `3.15.0rc1` < `3.15.0`), then platform
(reversed, so the preferred platform comes first), then variant (reversed, `default` first),
and lists keys in descending order. `newest_first` returns a tuple whose ascending sort is
exactly that descending order.
"""

from __future__ import annotations

import os

from pytui.core.keys import is_digits

# uv's `ImplementationName` declaration order. Pyodide keys are stored as CPython in uv and
# compare as CPython; only their display name differs.
_IMPLEMENTATION_RANK = {"pyodide": 3, "graalpy": 1, "pypy": 2, "cpython": 3}
_VARIANT_RANK = {"default": 0, "debug": 1, "freethreaded": 2, "freethreaded+debug": 3,
                 "gil": 4, "gil+debug": 5}
_PRE_RANK = {"a": 0, "b": 1, "rc": 2}
# target-lexicon's names for architecture families (what uv compares lexicographically).
_FAMILY_NAME = {"x86": "i686"}
_MACHINE_FAMILY = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64", "i386": "x86",
                   "i686": "x86", "x86": "x86", "ppc64le": "powerpc64le", "riscv64": "riscv64gc",
                   "armv7l": "armv7", "armv8l": "armv7"}


def host_arch_family() -> str:
    """The host's architecture family in uv's display form (`x86_64`, `aarch64`, `x86`...)."""
    # platform.machine() is os.uname().machine on POSIX; importing `platform` costs more
    # than a tree install's linking.
    if hasattr(os, "uname"):
        machine = os.uname().machine.lower()
    else:
        import platform

        machine = platform.machine().lower()
    return _MACHINE_FAMILY.get(machine, machine)


def split_arch(arch: str) -> tuple[str, str]:
    """`x86_64_v3` -> (`x86_64`, `v3`); `aarch64` -> (`aarch64`, ``)."""
    if arch.startswith("x86_64_v"):
        return "x86_64", arch[len("x86_64_"):]
    return arch, ""


def prerelease_rank(prerelease: str) -> tuple[int, int]:
    """Final releases sort after every pre-release of the same patch."""
    if not prerelease:
        return (3, 0)
    for kind in ("rc", "a", "b"):
        if prerelease.startswith(kind) and is_digits(prerelease[len(kind):]):
            return (_PRE_RANK[kind], int(prerelease[len(kind):]))
    return (-1, 0)


def version_rank(major: int, minor: int, patch: int, prerelease: str) -> tuple[int, int, int, int, int]:
    pre = prerelease_rank(prerelease)
    return (major, minor, patch, pre[0], pre[1])


def platform_rank(os_name: str, arch: str, libc: str, host_family: str) -> tuple:
    """Ascending = uv's preferred platform first: os name, then the preferred arch family
    (x86_64 on Windows, else the host's), then other families by name, then arch level, then libc."""
    family, level = split_arch(arch)
    preferred = "x86_64" if os_name == "windows" else host_family
    return (os_name, family != preferred, _FAMILY_NAME.get(family, family), level, libc)


def newest_first(implementation: str, major: int, minor: int, patch: int, prerelease: str,
                 variant: str, os_name: str, arch: str, libc: str,
                 host_family: str | None = None) -> tuple:
    """Sort key putting keys in the order uv lists them (descending `PythonInstallationKey`)."""
    host_family = host_family or host_arch_family()
    version = version_rank(major, minor, patch, prerelease)
    return (
        -_IMPLEMENTATION_RANK.get(implementation, -1),
        tuple(-part for part in version),
        platform_rank(os_name, arch, libc, host_family),
        _VARIANT_RANK.get(variant, 9),
    )


def build_order(item, host_family: str | None = None) -> tuple:
    """`newest_first` for a key-like record (`Build`, `Installation`, `InstallationKey`...)."""
    return newest_first(item.implementation, item.major, item.minor, item.patch, item.prerelease,
                        item.variant, item.os, item.arch, item.libc, host_family)


def in_change_order(items: list, key=lambda item: item) -> list:
    """`items` (builds or installs, or what `key` gives one of) in the order uv prints its
    change lines (` + KEY`, ` - KEY`): `PythonInstallationKey`'s ascending order, the reverse
    of `newest_first` (3.12.8, 3.12.9, 3.13.1+freethreaded, 3.13.1), whatever order the requests
    came in. Stable, so equal keys keep their order."""
    family = host_arch_family()
    return sorted(items, key=lambda item: build_order(key(item), family), reverse=True)


def key_newest_first(key: str | None, host_family: str | None = None) -> tuple:
    """`newest_first` for a key string (a cached archive's, from its file name); a key that is
    none or does not parse after every one that does. `cpython-3.9…` after `3.13`, `3.11.11`
    before `3.11.7`, as `uv python list` orders them, not as text."""
    from pytui.core.keys import parse_key

    parts = parse_key(key) if key else None
    if parts is None:
        return (1,)
    return (0, build_order(parts, host_family))

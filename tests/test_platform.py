"""Host platform detection: os, arch, x86-64 level from cpuinfo flags, libc (loader, UV_LIBC)."""

from __future__ import annotations

import shutil
import struct
import sys
from pathlib import Path

import pytest
from pytui.core.errors import UsageError
from pytui.core.platform_detect import (
    HostPlatform,
    cpu_flags,
    detect_host,
    elf_interpreter,
    host_arch,
    libc_of_loader,
    x86_64_level,
)

V1 = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2"
V2 = V1 + " pni ssse3 cx16 sse4_1 sse4_2 popcnt lahf_lm"
V3 = V2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
V4 = V3 + " avx512f avx512bw avx512cd avx512dq avx512vl"


def cpuinfo(flags: str, key: str = "flags") -> str:
    block = f"processor\t: {{n}}\nvendor_id\t: GenuineIntel\nmodel name\t: Test CPU\n{key}\t\t: {flags}\n"
    return "\n".join(block.format(n=n) for n in range(2))


@pytest.mark.parametrize(("flags", "level"), [
    (V1, "v1"), (V2, "v2"), (V3, "v3"), (V4, "v4"),
    (V3.replace(" movbe", ""), "v2"),  # one missing v3 flag caps the level at v2
    (V4.replace(" sse4_2", ""), "v1"),  # levels are cumulative
    ("", "v1"),
])
def test_x86_64_levels(flags: str, level: str) -> None:
    assert x86_64_level(cpu_flags(cpuinfo(flags))) == level


def elf(path: Path, interpreter: bytes | None, *, bits: int = 64, endian: str = "<") -> Path:
    """A minimal ELF file: header, one program header (PT_INTERP or PT_LOAD), the string."""
    is64 = bits == 64
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    interp = (interpreter or b"") + b"\0"
    offset = ehsize + phentsize
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1 if endian == "<" else 2, 1]) + b"\0" * 9
    p_type = 3 if interpreter is not None else 1
    if is64:
        header = ident + struct.pack(endian + "HHIQQQIHHHHHH", 2, 62, 1, 0, ehsize, 0, 0, ehsize,
                                     phentsize, 1, 0, 0, 0)
        program = struct.pack(endian + "IIQQQQQQ", p_type, 4, offset, 0, 0, len(interp),
                              len(interp), 1)
    else:
        header = ident + struct.pack(endian + "HHIIIIIHHHHHH", 2, 3, 1, 0, ehsize, 0, 0, ehsize,
                                     phentsize, 1, 0, 0, 0)
        program = struct.pack(endian + "IIIIIIII", p_type, offset, 0, 0, len(interp),
                              len(interp), 4, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + program + interp)
    return path


@pytest.mark.parametrize(("bits", "endian"), [(64, "<"), (32, "<"), (64, ">")])
def test_elf_interpreter(tmp_path: Path, bits: int, endian: str) -> None:
    path = elf(tmp_path / "sh", b"/lib/ld-musl-x86_64.so.1", bits=bits, endian=endian)
    assert elf_interpreter(path) == "/lib/ld-musl-x86_64.so.1"


def test_elf_interpreter_absent_or_not_elf(tmp_path: Path) -> None:
    assert elf_interpreter(elf(tmp_path / "static", None)) is None
    (tmp_path / "script").write_text("#!/bin/sh\necho hi\n")
    assert elf_interpreter(tmp_path / "script") is None
    assert elf_interpreter(tmp_path / "missing") is None


def test_real_shell_has_a_loader() -> None:
    if not sys.platform.startswith("linux") or not Path("/bin/sh").exists():
        pytest.skip("needs a Linux /bin/sh")
    loader = elf_interpreter(Path("/bin/sh").resolve())
    if loader is None:
        pytest.skip("/bin/sh is static here")
    assert "ld-" in Path(loader).name


def test_loader_names() -> None:
    assert libc_of_loader("/lib64/ld-linux-x86-64.so.2") == "gnu"
    assert libc_of_loader("/lib/ld-musl-aarch64.so.1") == "musl"


def fake_root(tmp_path: Path, loader: bytes | None, cpu: str = V3) -> Path:
    root = tmp_path / "root"
    if loader is not None:
        elf(root / "bin" / "sh", loader)
    (root / "proc").mkdir(parents=True)
    (root / "proc" / "cpuinfo").write_text(cpu)
    return root


def test_detect_glibc_host_with_level(tmp_path: Path) -> None:
    root = fake_root(tmp_path, b"/lib64/ld-linux-x86-64.so.2", cpuinfo(V3))
    host = detect_host({}, sys_platform="linux", machine="x86_64", pointer_bits=64, root=root)
    assert host == HostPlatform("linux", "x86_64", "gnu", "v3")
    # uv never picks a level on its own: the host platform stays plain x86_64.
    assert host.platform == "linux-x86_64-gnu"
    assert host.best_arch == "x86_64_v3"
    assert host.supports_arch("x86_64_v2") and host.supports_arch("x86_64_v3")
    assert not host.supports_arch("x86_64_v4")


def test_detect_musl_host(tmp_path: Path) -> None:
    root = fake_root(tmp_path, b"/lib/ld-musl-x86_64.so.1", cpuinfo(V1))
    host = detect_host({}, sys_platform="linux", machine="x86_64", pointer_bits=64, root=root)
    assert (host.libc, host.x86_64_level, host.best_arch) == ("musl", "v1", "x86_64")


def test_loader_found_on_disk_when_no_probe_is_elf(tmp_path: Path) -> None:
    root = fake_root(tmp_path, None)
    (root / "lib").mkdir()
    (root / "lib" / "ld-musl-x86_64.so.1").write_bytes(b"")
    host = detect_host({}, sys_platform="linux", machine="x86_64", pointer_bits=64, root=root,
                       cpuinfo_text="")
    assert host.libc == "musl"


def test_uv_libc_overrides(tmp_path: Path) -> None:
    root = fake_root(tmp_path, b"/lib64/ld-linux-x86-64.so.2")
    host = detect_host({"UV_LIBC": "musl"}, sys_platform="linux", machine="x86_64",
                       pointer_bits=64, root=root)
    assert host.libc == "musl"
    # Empty means unset, as in uv.
    host = detect_host({"UV_LIBC": ""}, sys_platform="linux", machine="x86_64", pointer_bits=64,
                       root=root)
    assert host.libc == "gnu"
    with pytest.raises(UsageError, match="UV_LIBC"):
        detect_host({"UV_LIBC": "bionic"}, sys_platform="linux", machine="x86_64",
                    pointer_bits=64, root=root)


@pytest.mark.parametrize(("features", "libc"), [
    ("half thumb fastmult vfp edsp neon vfpv3 tls vfpv4", "gnueabihf"),
    ("fp asimd evtstrm aes pmull sha1 sha2 crc32", "gnueabihf"),  # aarch64 kernel, arm32 userland
    ("swp half thumb fastmult edsp", "gnueabi"),
    ("asimd fphp asimdhp", "gnueabi"),  # `fp` must be a whole word
])
def test_arm_float_abi(tmp_path: Path, features: str, libc: str) -> None:
    root = fake_root(tmp_path, b"/lib/ld-linux-armhf.so.3", cpuinfo(features, key="Features"))
    host = detect_host({}, sys_platform="linux", machine="armv7l", pointer_bits=32, root=root)
    assert (host.arch, host.libc, host.x86_64_level) == ("armv7", libc, None)


@pytest.mark.parametrize(("sys_platform", "machine", "bits", "expected"), [
    ("darwin", "arm64", 64, ("macos", "aarch64", "none")),
    ("darwin", "x86_64", 64, ("macos", "x86_64", "none")),
    ("win32", "AMD64", 64, ("windows", "x86_64", "none")),
    ("win32", "ARM64", 64, ("windows", "aarch64", "none")),
    ("win32", "AMD64", 32, ("windows", "x86", "none")),  # 32-bit Python on 64-bit Windows
])
def test_non_linux_hosts(sys_platform: str, machine: str, bits: int, expected: tuple) -> None:
    host = detect_host({"UV_LIBC": "musl"}, sys_platform=sys_platform, machine=machine,
                       pointer_bits=bits)
    assert (host.os, host.arch, host.libc) == expected  # UV_LIBC is Linux-only, as in uv


@pytest.mark.parametrize(("machine", "bits", "arch"), [
    ("x86_64", 64, "x86_64"), ("aarch64", 64, "aarch64"), ("i686", 32, "x86"),
    ("ppc64le", 64, "powerpc64le"), ("s390x", 64, "s390x"), ("riscv64", 64, "riscv64gc"),
    ("aarch64", 32, "armv7"), ("x86_64", 32, "x86"),
])
def test_arch_names(machine: str, bits: int, arch: str) -> None:
    assert host_arch(machine, bits) == arch


def test_this_machine() -> None:
    host = detect_host()
    assert host.os in {"linux", "macos", "windows"}
    assert host.libc in {"gnu", "musl", "gnueabi", "gnueabihf", "none"}
    if host.arch == "x86_64" and host.os == "linux" and shutil.which("true"):
        assert host.x86_64_level in {"v1", "v2", "v3", "v4"}
    assert detect_host(cpu_level=False).x86_64_level is None

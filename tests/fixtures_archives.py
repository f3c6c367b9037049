"""PBS-layout archives for tests and benchmarks: synthetic, malicious, and one made from this interpreter.

Plain functions (importable by bench scripts once `tests/` is on sys.path) and pytest fixtures:

    # in tests
    def test_x(archive_factory, http_server):
        made = archive_factory.pbs(version="3.12.8", kind="tar.zst")    # -> MadeArchive
        made = made.serve(http_server)                                 # url now on 127.0.0.1
        made.path, made.sha256, made.size, made.build                  # build.url == served url

    def test_e2e(base_prefix_archive):                                 # session-cached, slow to build
        base_prefix_archive.build.key   # e.g. cpython-3.11.7-linux-x86_64-gnu

    # in a script
    from fixtures_archives import make_pbs_archive, make_prefix_archive

Layouts (docs/uv-compat.md#archive-file-names): every archive has one top-level `python/`.
- `install_only` / `install_only_stripped`: `python/bin/python3.X`, `python/lib/python3.X/...`;
- `full`: the prefix lives in `python/install/...`, beside `python/PYTHON.json`, `python/build/`,
  `python/licenses/`;
- Windows (`.zip` or tar): `python/python.exe`, `python/Lib/...`, `python/DLLs/...`.
The synthetic `bin/python3.X` is a small shell script printing `Python X.Y.Z`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import pprint
import stat
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from pytui.core.filenames import flavor_from_url
from pytui.core.models import Build

try:  # the fixtures need pytest; bench scripts importing the functions do not
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

PBS_RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download"
KINDS = ("tar.gz", "tar.zst", "tar", "zip")
# A fixed mtime keeps archives byte-identical between runs (stable sha256 within a session).
_MTIME = 1_736_899_200  # 2025-01-15

_TRIPLES = {
    ("linux", "gnu"): "unknown-linux-gnu",
    ("linux", "musl"): "unknown-linux-musl",
    ("linux", "gnueabi"): "unknown-linux-gnueabi",
    ("linux", "gnueabihf"): "unknown-linux-gnueabihf",
    ("macos", "none"): "apple-darwin",
    ("windows", "none"): "pc-windows-msvc",
}
_TRIPLE_ARCH = {"x86": "i686", "powerpc64le": "ppc64le", "riscv64gc": "riscv64"}
_VARIANT_SUFFIX = {"default": "", "debug": "d", "freethreaded": "t", "freethreaded+debug": "td"}


# --------------------------------------------------------------------------------------------
# Members: what goes into an archive
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """One archive member. `kind`: file, dir, symlink, hardlink, fifo, chardev, blockdev."""

    name: str
    kind: str = "file"
    data: bytes = b""
    mode: int = 0o644
    # Symlink / hard-link target (as stored in the archive).
    target: str = ""


def file(name: str, data: bytes | str = b"", mode: int = 0o644) -> Member:
    return Member(name, "file", data.encode() if isinstance(data, str) else data, mode)


def executable(name: str, data: bytes | str = b"") -> Member:
    return file(name, data, 0o755)


def directory(name: str) -> Member:
    return Member(name.rstrip("/"), "dir", mode=0o755)


def symlink(name: str, target: str) -> Member:
    return Member(name, "symlink", mode=0o777, target=target)


def hardlink(name: str, target: str) -> Member:
    return Member(name, "hardlink", target=target)


def _with_dirs(members: Iterable[Member]) -> list[Member]:
    """Add parent directory entries (as real PBS tarballs have) before their first child."""
    out: list[Member] = []
    seen: set[str] = set()
    for member in members:
        parts = member.name.strip("/").split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if parent not in seen and not member.name.startswith("/") and ".." not in parts[:depth]:
                seen.add(parent)
                out.append(directory(parent))
        if member.kind == "dir":
            if member.name in seen:
                continue
            seen.add(member.name)
        out.append(member)
    return out


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def kind_of(filename: str) -> str:
    for kind in ("tar.gz", "tar.zst", "tar", "zip"):
        if filename.endswith("." + kind):
            return kind
    if filename.endswith(".tgz"):
        return "tar.gz"
    raise ValueError(f"unknown archive kind: {filename}")


def _tarinfo(member: Member, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(member.name + ("/" if member.kind == "dir" else ""))
    info.mtime = mtime
    info.mode = member.mode
    info.uname = info.gname = "root"
    if member.kind == "file":
        info.size = len(member.data)
    elif member.kind == "dir":
        info.type = tarfile.DIRTYPE
    elif member.kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = member.target
    elif member.kind == "hardlink":
        info.type = tarfile.LNKTYPE
        info.linkname = member.target
    elif member.kind == "fifo":
        info.type = tarfile.FIFOTYPE
    elif member.kind == "chardev":
        info.type = tarfile.CHRTYPE
        info.devmajor, info.devminor = 1, 3
    elif member.kind == "blockdev":
        info.type = tarfile.BLKTYPE
        info.devmajor, info.devminor = 7, 0
    else:
        raise ValueError(member.kind)
    return info


def write_archive(path: Path, members: Iterable[Member], *, kind: str | None = None,
                  tar_format: str = "gnu", level: int | None = None, add_dirs: bool = True,
                  mtime: int = _MTIME) -> Path:
    """Write `members` (in order) as `path`; the kind comes from the file name unless given.

    `tar_format`: "gnu" (GNU longname headers for long names, as PBS tarballs), "pax" or "ustar".
    `level`: compression level (gzip default 6, zstd default 3); low values build faster.
    """
    path = Path(path)
    kind = kind or kind_of(path.name)
    members = _with_dirs(members) if add_dirs else list(members)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "zip":
        _write_zip(path, members, level)
        return path
    fmt = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT, "ustar": tarfile.USTAR_FORMAT}[tar_format]
    with open(path, "wb") as raw:
        if kind == "tar.gz":
            import gzip

            out: io.BufferedIOBase = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                   compresslevel=6 if level is None else level)  # type: ignore[assignment]
        elif kind == "tar.zst":
            import zstandard

            out = zstandard.ZstdCompressor(level=3 if level is None else level).stream_writer(raw, closefd=False)  # type: ignore[assignment]
        elif kind == "tar":
            out = raw  # type: ignore[assignment]
        else:
            raise ValueError(kind)
        with tarfile.open(fileobj=out, mode="w|", format=fmt) as tar:
            for member in members:
                info = _tarinfo(member, mtime)
                tar.addfile(info, io.BytesIO(member.data) if member.kind == "file" else None)
        if out is not raw:
            out.close()
    return path


def _write_zip(path: Path, members: list[Member], level: int | None) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=6 if level is None else level) as zf:
        for member in members:
            date = time.gmtime(_MTIME)[:6]
            if member.kind == "dir":
                info = zipfile.ZipInfo(member.name + "/", date)
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                zf.writestr(info, b"")
            elif member.kind == "file":
                info = zipfile.ZipInfo(member.name, date)
                info.external_attr = (stat.S_IFREG | member.mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, member.data)
            elif member.kind == "symlink":
                info = zipfile.ZipInfo(member.name, date)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, member.target.encode())
            else:
                raise ValueError(f"zip archives cannot hold a {member.kind}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# The made archive and its Build
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MadeArchive:
    """An archive on disk and the catalog `Build` that describes it (sha256 matches the file)."""

    path: Path
    sha256: str
    size: int
    build: Build
    kind: str
    # Number of members written (directories included).
    members: int = 0
    # What the extracted prefix must contain, relative to it (a few landmark paths).
    landmarks: tuple[str, ...] = ()

    @property
    def url_path(self) -> str:
        """The URL path a PBS release would use: `/<build date>/<name with %2B>`."""
        return f"/{self.build.build}/{quote(self.build.release_filename, safe='')}"

    def with_url(self, url: str) -> MadeArchive:
        return replace(self, build=self.build._replace(url=url))

    def serve(self, server: object, path: str | None = None, **faults: object) -> MadeArchive:
        """Register the file on a `FaultyHTTPServer` and return a copy whose build.url points there."""
        url = server.add_file(path or self.url_path, self.path, **faults)  # type: ignore[attr-defined]
        return self.with_url(url)

    def catalog_entry(self) -> tuple[str, dict]:
        return uv_catalog_entry(self.build)


def target_triple(os_name: str, arch: str, libc: str) -> str:
    family = arch
    level = ""
    if arch.startswith("x86_64_v"):
        family, level = "x86_64", arch[len("x86_64"):]
    family = _TRIPLE_ARCH.get(family, family)
    return f"{family}{level}-{_TRIPLES[(os_name, libc)]}"


def pbs_filename(version: str, build_date: str, os_name: str, arch: str, libc: str,
                 variant: str = "default", flavor: str = "install_only", kind: str = "tar.gz") -> str:
    """The decoded PBS asset name, e.g. `cpython-3.12.8+20250115-x86_64-unknown-linux-gnu-install_only.tar.gz`."""
    if flavor == "full":
        options = {"default": "pgo+lto-", "freethreaded": "freethreaded+pgo+lto-"}.get(variant, f"{variant}-")
    else:
        options = "" if variant == "default" else f"{variant}-"
    return f"cpython-{version}+{build_date}-{target_triple(os_name, arch, libc)}-{options}{flavor}.{kind}"


def make_build(*, version: str = "3.12.8", build_date: str = "20250115", os_name: str = "linux",
               arch: str = "x86_64", libc: str = "gnu", variant: str = "default",
               flavor: str = "install_only", kind: str = "tar.gz", sha256: str | None = None,
               url: str | None = None) -> Build:
    """A `Build` as the catalog would have it; the url defaults to the PBS GitHub release URL."""
    major, minor, rest = version.split(".", 2)
    digits = ""
    for ch in rest:
        if not ch.isdigit():
            break
        digits += ch
    patch = digits
    prerelease = rest[len(digits):]
    name = pbs_filename(version, build_date, os_name, arch, libc, variant, flavor, kind)
    if url is None:
        url = f"{PBS_RELEASES}/{build_date}/{quote(name, safe='')}"
    return Build(implementation="cpython", major=int(major), minor=int(minor), patch=int(patch),
                 prerelease=prerelease, variant=variant, os=os_name, arch=arch, libc=libc,
                 build=build_date, url=url, sha256=sha256, flavor=flavor_from_url(url))


def _finish(path: Path, build: Build, kind: str, members: int, landmarks: Iterable[str]) -> MadeArchive:
    digest = sha256_of(path)
    return MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                       build=build._replace(sha256=digest), kind=kind, members=members,
                       landmarks=tuple(landmarks))


def uv_catalog_entry(build: Build) -> tuple[str, dict]:
    """`build` as one entry of uv's download-metadata.json: (json key, entry)."""
    os_json = {"macos": "darwin"}.get(build.os, build.os)
    family, _, level = build.arch.partition("_v") if build.arch.startswith("x86_64_v") else (build.arch, "", "")
    family = {"x86": "i686", "riscv64gc": "riscv64"}.get(family, family)
    name = "cpython" if build.implementation == "pyodide" else build.implementation
    variant = None if build.variant == "default" else build.variant
    arch_json = f"{family}_v{level}" if level else family
    suffix = f"+{variant}" if variant else ""
    key = f"{name}-{build.version}{suffix}-{os_json}-{arch_json}-{build.libc}"
    entry = {
        "name": name,
        "arch": {"family": family, "variant": f"v{level}" if level else None},
        "os": os_json,
        "libc": build.libc,
        "major": build.major,
        "minor": build.minor,
        "patch": build.patch,
        "prerelease": build.prerelease,
        "url": build.url,
        "sha256": build.sha256,
        "variant": variant,
        "build": build.build,
    }
    return key, entry


def write_uv_catalog(path: Path, builds: Iterable[Build]) -> Path:
    """Write uv's download-metadata.json format holding `builds` (for UV_PYTHON_DOWNLOADS_JSON_URL)."""
    doc = dict(uv_catalog_entry(build) for build in builds)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Synthetic PBS archives
# --------------------------------------------------------------------------------------------


def sysconfigdata_text(version: str = "3.12.8", *, os_name: str = "linux", arch: str = "x86_64",
                       libc: str = "gnu", freethreaded: bool = False) -> str:
    """A realistic `_sysconfigdata_*.py` as PBS ships it: `/install` prefix, clang, `-isysroot` on macOS."""
    major, minor = version.split(".")[:2]
    mm = f"{major}.{minor}"
    t = "t" if freethreaded else ""
    triple = target_triple(os_name, arch, libc)
    sysroot = " -isysroot /Applications/Xcode.app/Contents/Developer/Platforms/MacOSX.platform/Developer/SDKs/MacOSX14.sdk" if os_name == "macos" else ""
    cc = "musl-clang" if libc == "musl" else "clang"
    cflags = (f"-Wsign-compare -DNDEBUG -g -O3 -Wall -fPIC -I/tools/deps/include "
              f"-I/tools/deps/include/ncursesw{sysroot}")
    values: dict[str, object] = {
        "ABIFLAGS": t,
        "AR": "/tools/llvm/bin/llvm-ar",
        "ARFLAGS": "rcs",
        "BINDIR": "/install/bin",
        "BINLIBDEST": f"/install/lib/python{mm}{t}",
        "BLDLIBRARY": f"-L. -lpython{mm}{t}",
        "BLDSHARED": f"{cc} -pthread -shared -L/tools/deps/lib{sysroot}",
        "CC": f"{cc} -pthread",
        "CCSHARED": "-fPIC",
        "CFLAGS": cflags,
        "CONFIGURE_CFLAGS": f"-fPIC -I/tools/deps/include{sysroot}",
        "CONFIG_ARGS": (f"'--build={triple}' '--host={triple}' '--prefix=/install' "
                        "'--with-openssl=/tools/deps' '--with-system-expat' '--with-system-libmpdec' "
                        "'--enable-shared' '--with-lto' '--enable-optimizations'"),
        "CONFINCLUDEDIR": "/install/include",
        "CONFINCLUDEPY": f"/install/include/python{mm}{t}",
        "CXX": f"{cc}++ -pthread" if cc == "clang" else "clang++ -pthread",
        "DESTDIRS": f"/install /install/lib /install/lib/python{mm}{t} /install/lib/python{mm}{t}/lib-dynload",
        "EXE": "",
        "EXT_SUFFIX": f".cpython-{major}{minor}{t}-x86_64-linux-gnu.so",
        "HOST_GNU_TYPE": triple,
        "INCLUDEDIR": "/install/include",
        "INCLUDEPY": f"/install/include/python{mm}{t}",
        "LDCXXSHARED": f"clang++ -pthread -shared{sysroot}",
        "LDFLAGS": f"-L/tools/deps/lib -Wl,--exclude-libs,ALL{sysroot}",
        "LDLIBRARY": f"libpython{mm}{t}.so",
        "LDSHARED": f"{cc} -pthread -shared -L/tools/deps/lib{sysroot}",
        "LIBDEST": f"/install/lib/python{mm}{t}",
        "LIBDIR": "/install/lib",
        "LIBPC": "/install/lib/pkgconfig",
        "LIBPL": f"/install/lib/python{mm}{t}/config-{mm}{t}-x86_64-linux-gnu",
        "LINKCC": f"{cc} -pthread",
        "MACHDESTLIB": f"/install/lib/python{mm}{t}",
        "Py_DEBUG": 0,
        "Py_ENABLE_SHARED": 1,
        "Py_GIL_DISABLED": 1 if freethreaded else 0,
        "SIZEOF_VOID_P": 8,
        "SOABI": f"cpython-{major}{minor}{t}-x86_64-linux-gnu",
        "VERSION": mm,
        "WITH_DOC_STRINGS": 1,
        "datarootdir": "/install/share",
        "exec_prefix": "/install",
        "prefix": "/install",
        "srcdir": "/build/Python-" + version,
    }
    return ("# system configuration generated and used by the sysconfig module\n"
            "build_time_vars = " + pprint.pformat(values) + "\n")


def pkgconfig_text(version: str = "3.12.8", embed: bool = False) -> str:
    mm = ".".join(version.split(".")[:2])
    libs = f"-L${{libdir}} -lpython{mm}" if embed else ""
    return (f"# See: man pkg-config\nprefix=/install\nexec_prefix=${{prefix}}\nlibdir=${{exec_prefix}}/lib\n"
            f"includedir=${{prefix}}/include\n\nName: Python\nDescription: Embed Python into an application\n"
            f"Requires:\nVersion: {mm}\nLibs.private: -ldl\nLibs: {libs}\nCflags: -I${{includedir}}/python{mm}\n")


def pbs_prefix_members(version: str = "3.12.8", *, os_name: str = "linux", arch: str = "x86_64",
                       libc: str = "gnu", variant: str = "default", with_python_link: bool = True,
                       long_names: bool = False, extra: Iterable[Member] = ()) -> list[Member]:
    """The members of a small PBS prefix (paths relative to the prefix)."""
    major, minor = version.split(".")[:2]
    mm = f"{major}.{minor}"
    ft = variant.startswith("freethreaded")
    t = "t" if ft else ""
    exe_suffix = _VARIANT_SUFFIX[variant]
    script = f"#!/bin/sh\necho 'Python {version}'\n"
    if os_name == "windows":
        members = [
            executable("python.exe", b"MZ fake python " + version.encode()),
            executable("pythonw.exe", b"MZ fake pythonw"),
            file(f"python{major}{minor}{t}.dll", b"MZ fake dll"),
            file("Lib/os.py", "# os\n"),
            file("Lib/site.py", "# site\n"),
            file("Lib/site-packages/README.txt", "This directory exists so that 3rd party packages can be installed here.\n"),
            file("DLLs/_ssl.pyd", b"MZ fake pyd"),
            file("include/Python.h", "/* Python.h */\n"),
            file("LICENSE.txt", "PSF LICENSE\n"),
        ]
        return members + list(extra)
    lib = f"lib/python{mm}{t}"
    sysconfig_name = f"_sysconfigdata_{t}_{'darwin_darwin' if os_name == 'macos' else 'linux_x86_64-linux-gnu'}.py"
    so = "dylib" if os_name == "macos" else "so"
    members = [
        executable(f"bin/python{mm}{exe_suffix}", script),
        symlink(f"bin/python{major}{exe_suffix}", f"python{mm}{exe_suffix}"),
    ]
    if exe_suffix:
        # Free-threaded and debug builds also ship the plain pythonX.Y name.
        members.append(symlink(f"bin/python{mm}", f"python{mm}{exe_suffix}"))
    if with_python_link:
        members.append(symlink("bin/python", f"python{mm}{exe_suffix}"))
    members += [
        executable(f"bin/pip{mm}", "#!/bin/sh\necho pip\n"),
        symlink(f"bin/pip{major}", f"pip{mm}"),
        file(f"lib/libpython{mm}{t}.{so}.1.0" if so == "so" else f"lib/libpython{mm}{t}.dylib",
             b"\x7fELF fake libpython", 0o755),
        file(f"lib/pkgconfig/python-{mm}{t}.pc", pkgconfig_text(version)),
        file(f"lib/pkgconfig/python-{mm}{t}-embed.pc", pkgconfig_text(version, embed=True)),
        symlink(f"lib/pkgconfig/python{major}.pc", f"python-{mm}{t}.pc"),
        file(f"{lib}/os.py", "# os module\nimport abc\n"),
        file(f"{lib}/site.py", "# site module\n"),
        file(f"{lib}/{sysconfig_name}", sysconfigdata_text(version, os_name=os_name, arch=arch,
                                                           libc=libc, freethreaded=ft)),
        file(f"{lib}/encodings/__init__.py", "# encodings\n"),
        file(f"{lib}/lib-dynload/_ssl.cpython-{major}{minor}{t}-x86_64-linux-gnu.{so}",
             b"\x7fELF fake ext", 0o755),
        file(f"{lib}/site-packages/README.txt",
             "This directory exists so that 3rd party packages can be installed here.\n"),
        file(f"include/python{mm}{t}/Python.h", "/* Python.h */\n"),
        file(f"share/man/man1/python{mm}.1", ".TH PYTHON 1\n"),
    ]
    if so == "so":
        members.insert(5, symlink(f"lib/libpython{mm}{t}.so", f"libpython{mm}{t}.so.1.0"))
    if long_names:
        # Longer than ustar's 100-byte name and 155-byte prefix: GNU longname / pax path needed.
        deep = "/".join(["very_long_directory_name_for_testing_longname_headers"] * 4)
        members.append(file(f"{lib}/{deep}/{'m' * 120}.py", "# long\n"))
        members.append(symlink(f"{lib}/{deep}/{'l' * 110}", f"{'m' * 120}.py"))
    return members + list(extra)


def make_pbs_archive(dest_dir: Path, *, version: str = "3.12.8", build_date: str = "20250115",
                     os_name: str = "linux", arch: str = "x86_64", libc: str = "gnu",
                     variant: str = "default", flavor: str = "install_only", kind: str = "tar.gz",
                     url: str | None = None, with_python_link: bool = True, long_names: bool = False,
                     tar_format: str = "gnu", extra: Iterable[Member] = (), filename: str | None = None,
                     level: int | None = None) -> MadeArchive:
    """A small synthetic PBS archive (about 25 members) in `dest_dir`, named as PBS names it.

    `flavor="full"` puts the prefix under `python/install/` beside build metadata.
    `with_python_link=False` leaves out `bin/python` (PBS before 20240726), so the fix-up adds it.
    `extra` members are added inside the prefix (names relative to it).
    """
    build = make_build(version=version, build_date=build_date, os_name=os_name, arch=arch, libc=libc,
                       variant=variant, flavor=flavor, kind=kind, url=url)
    prefix = pbs_prefix_members(version, os_name=os_name, arch=arch, libc=libc, variant=variant,
                                with_python_link=with_python_link, long_names=long_names, extra=extra)
    base = "python/install/" if flavor == "full" else "python/"
    members = [_rebase(m, base) for m in prefix]
    if flavor == "full":
        members = [
            file("python/PYTHON.json", json.dumps({"version": "8", "python_version": version}) + "\n"),
            file("python/build/Makefile.extra", "# build metadata\n"),
            file("python/licenses/LICENSE.cpython.txt", "PSF LICENSE\n"),
        ] + members
    name = filename or build.release_filename
    path = write_archive(Path(dest_dir) / name, members, kind=kind, tar_format=tar_format, level=level)
    count = len(_with_dirs(members))
    landmarks = [m.name for m in prefix if m.kind == "file"][:3]
    return _finish(path, build, kind, count, landmarks)


def _rebase(member: Member, base: str) -> Member:
    return replace(member, name=base + member.name)


# --------------------------------------------------------------------------------------------
# Malicious archives
# --------------------------------------------------------------------------------------------

ATTACKS = ("dotdot", "absolute", "symlink_escape", "symlink_absolute", "symlink_chain",
           "hardlink_dotdot", "hardlink_absolute", "hardlink_via_symlink", "hardlink_to_symlink",
           "fifo", "chardev", "blockdev", "write_through_symlink")


def malicious_members(attack: str, outside: Path) -> list[Member]:
    """Members that try to write to (or link to) `outside`, an absolute directory beside the staging dir.

    Each list starts with a harmless `python/bin/python3.12`, so a refusing extractor has
    already written something inside the staging dir when it meets the attack.
    The staging dir is assumed to be `outside.parent / <stage>/<dest>` at most 2 levels below
    `outside.parent`; the `../` counts below escape from there.
    """
    outside = Path(outside)
    up = "../" * 6
    name = outside.name
    benign = [executable("python/bin/python3.12", "#!/bin/sh\n")]
    if attack == "dotdot":
        evil = [file(f"python/{up}{name}/pwned.txt", "pwned\n")]
    elif attack == "absolute":
        evil = [file(f"{outside}/pwned.txt", "pwned\n")]
    elif attack == "symlink_escape":
        evil = [symlink("python/lib/escape", f"../../{up}{name}"),
                file("python/lib/escape/pwned.txt", "pwned\n")]
    elif attack == "symlink_absolute":
        evil = [symlink("python/lib/escape", str(outside)),
                file("python/lib/escape/pwned.txt", "pwned\n")]
    elif attack == "symlink_chain":
        # `python/l -> .` is harmless on its own; `python/l/up -> ../..` looks like it stays
        # inside when read lexically (python/l/../.. = .) but resolves to python/../.. = outside.
        evil = [symlink("python/l", "."),
                symlink("python/l/up", "../.."),
                file(f"python/l/up/{name}/pwned.txt", "pwned\n")]
    elif attack == "hardlink_dotdot":
        evil = [hardlink("python/lib/passwd", f"{up}{name}/secret.txt")]
    elif attack == "hardlink_absolute":
        evil = [hardlink("python/lib/passwd", f"{outside}/secret.txt")]
    elif attack == "hardlink_via_symlink":
        # An in-tree symlink to a dir, then a hard link whose target path goes through it.
        evil = [file("python/lib/sub/data.txt", "data\n"),
                symlink("python/lib/ln", "sub"),
                hardlink("python/lib/passwd", "python/lib/ln/data.txt")]
    elif attack == "hardlink_to_symlink":
        # `python/a/b/s -> ../../x` stays inside; a hard link to it at `python/h` would be the
        # same link inode read from another dir: python/../../x, outside.
        evil = [symlink("python/a/b/s", f"../../{name}"),
                hardlink("python/h", "python/a/b/s")]
    elif attack == "write_through_symlink":
        # A symlink to a file outside, then a regular member of the same name: writing must
        # replace the link, never follow it.
        evil = [symlink("python/lib/target", f"{outside}/secret.txt"),
                file("python/lib/target", "overwritten\n")]
    elif attack in ("fifo", "chardev", "blockdev"):
        evil = [Member(f"python/dev/{attack}", attack)]
    else:
        raise ValueError(f"unknown attack {attack!r}; choose from {ATTACKS}")
    return benign + evil


def make_malicious_archive(dest_dir: Path, attack: str, outside: Path, *, kind: str = "tar.gz",
                           tar_format: str = "gnu") -> Path:
    """An archive that tries `attack` against `outside` (see `malicious_members`)."""
    members = malicious_members(attack, outside)
    path = Path(dest_dir) / f"evil-{attack}.{kind}"
    # No automatic parent dirs: they would contain `..` or absolute components.
    return write_archive(path, members, kind=kind, tar_format=tar_format, add_dirs=False)


# --------------------------------------------------------------------------------------------
# An archive made from the running interpreter's own prefix
# --------------------------------------------------------------------------------------------

# Large parts of the stdlib the end-to-end test never imports.
# Left out to keep the archive small. `distutils` (3.10, 3.11) stays: uv's interpreter query
# imports it on those versions, and without it uv does not list the install.
_SKIP_STDLIB = {"site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip",
                "pydoc_data", "__pycache__", "unittest"}


def host_platform() -> tuple[str, str, str]:
    """(os, arch, libc) of this machine in uv's display form (Linux and macOS)."""
    from pytui.core.ordering import host_arch_family

    if sys.platform == "darwin":
        return "macos", host_arch_family(), "none"
    libc = "musl" if "musl" in (platform.libc_ver()[0] or "").lower() else "gnu"
    return "linux", host_arch_family(), libc


def _prefix_members(prefix: Path, mm: str, *, with_tests: bool, with_pycache: bool) -> Iterator[Member]:
    """Walk the interpreter's prefix as PBS would package it (files read lazily, in order)."""
    bin_dir = prefix / "bin"
    exe = bin_dir / f"python{mm}"
    yield Member(f"bin/python{mm}", "file", exe.read_bytes(), 0o755)
    yield symlink(f"bin/python{mm.split('.')[0]}", f"python{mm}")
    lib = prefix / "lib"
    for entry in sorted(lib.iterdir()):
        if entry.name.startswith("libpython"):
            if entry.is_symlink():
                yield symlink(f"lib/{entry.name}", os.readlink(entry))
            elif entry.is_file() and not entry.name.endswith(".a"):
                yield Member(f"lib/{entry.name}", "file", entry.read_bytes(), 0o755)
    pkgconfig = lib / "pkgconfig"
    if pkgconfig.is_dir():
        for entry in sorted(pkgconfig.iterdir()):
            if entry.is_symlink():
                yield symlink(f"lib/pkgconfig/{entry.name}", os.readlink(entry))
            elif entry.suffix == ".pc":
                text = entry.read_text()
                text = text.replace(f"prefix={prefix}", "prefix=/install").replace(str(prefix), "${prefix}")
                yield file(f"lib/pkgconfig/{entry.name}", text)
    stdlib = lib / f"python{mm}"
    skip = set(_SKIP_STDLIB)
    if with_tests:
        skip -= {"test", "unittest", "lib2to3", "idlelib", "tkinter", "turtledemo", "pydoc_data"}
    if with_pycache:
        skip.discard("__pycache__")
    for root, dirs, files in os.walk(stdlib):
        rel_root = Path(root).relative_to(prefix).as_posix()
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("config-"))
        for name in sorted(files):
            full = Path(root) / name
            rel = f"{rel_root}/{name}"
            if full.is_symlink():
                yield symlink(rel, os.readlink(full))
                continue
            if name.endswith(".a"):
                continue
            data = full.read_bytes()
            if name.startswith("_sysconfigdata_") and name.endswith(".py"):
                # PBS builds with --prefix=/install; give the patch real work to do.
                data = data.replace(str(prefix).encode(), b"/install")
            mode = 0o755 if os.access(full, os.X_OK) else 0o644
            yield Member(rel, "file", data, mode)
    yield file(f"lib/python{mm}/site-packages/README.txt",
               "This directory exists so that 3rd party packages can be installed here.\n")


def make_prefix_archive(dest_dir: Path, *, prefix: Path | None = None, kind: str = "tar.gz",
                        build_date: str = "20250115", url: str | None = None,
                        with_tests: bool = False, with_pycache: bool = False,
                        level: int | None = None, flavor: str = "install_only") -> MadeArchive:
    """A PBS-layout archive of this interpreter's prefix (`sys.base_prefix`), install_only or full.

    Contains `bin/python3.X` (+ `python3` link, no `python` so the fix-up adds it), libpython
    when shared, `lib/pkgconfig`, and `lib/python3.X` with lib-dynload but without
    site-packages, tests, IDLE, Tk and `__pycache__` (unless asked), and with its
    `_sysconfigdata_*.py` rewritten to PBS's `/install` prefix. About 1,100 files (2,400 with
    tests). The Build's key is this machine's, so uv finds the install.
    """
    prefix = Path(prefix or sys.base_prefix)
    mm = f"{sys.version_info.major}.{sys.version_info.minor}"
    version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    os_name, arch, libc = host_platform()
    build = make_build(version=version, build_date=build_date, os_name=os_name, arch=arch, libc=libc,
                       flavor=flavor, kind=kind, url=url)
    base = "python/install/" if flavor == "full" else "python/"
    members: list[Member] = [_rebase(m, base) for m in _prefix_members(
        prefix, mm, with_tests=with_tests, with_pycache=with_pycache)]
    if flavor == "full":
        members.insert(0, file("python/PYTHON.json", '{"version": "8"}\n'))
    path = write_archive(Path(dest_dir) / build.release_filename, members, kind=kind,
                         level=1 if level is None and kind == "tar.gz" else level)
    landmarks = (f"bin/python{mm}", f"lib/python{mm}/os.py", f"lib/python{mm}/lib-dynload")
    return _finish(path, build, kind, len(_with_dirs(members)), landmarks)


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@dataclass
class ArchiveFactory:
    """Writes archives into one directory (a test's tmp dir); see the module docstring."""

    directory: Path
    made: list[MadeArchive] = field(default_factory=list)

    def pbs(self, **kwargs: object) -> MadeArchive:
        """`make_pbs_archive` into this factory's directory (each call may use a new subdir)."""
        sub = self.directory / f"a{len(self.made)}"
        made = make_pbs_archive(sub, **kwargs)  # type: ignore[arg-type]
        self.made.append(made)
        return made

    def malicious(self, attack: str, outside: Path, **kwargs: object) -> Path:
        return make_malicious_archive(self.directory, attack, outside, **kwargs)  # type: ignore[arg-type]

    def custom(self, name: str, members: Iterable[Member], **kwargs: object) -> Path:
        return write_archive(self.directory / name, members, **kwargs)  # type: ignore[arg-type]


if pytest is not None:

    @pytest.fixture
    def archive_factory(tmp_path: Path) -> ArchiveFactory:
        """Synthetic PBS archives in this test's tmp dir: `.pbs(**kw)`, `.malicious(attack, outside)`."""
        directory = tmp_path / "archives"
        directory.mkdir(exist_ok=True)
        return ArchiveFactory(directory)

    @pytest.fixture(scope="session")
    def base_prefix_archive(tmp_path_factory: pytest.TempPathFactory) -> MadeArchive:
        """This interpreter's prefix as a PBS install_only tar.gz (built once per session, ~2 s)."""
        return make_prefix_archive(tmp_path_factory.mktemp("prefix-archive"), kind="tar.gz")

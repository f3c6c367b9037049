"""Synthetic python-build-standalone archives and their catalog `Build`s, for tests and benchmarks
(fixtures_archives.py re-exports all of it; the layouts are described there)."""

from __future__ import annotations

import json
import pprint
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from archive_writers import Member, _with_dirs, executable, file, sha256_of, symlink, write_archive
from pytui.core.filenames import flavor_from_url
from pytui.core.models import Build

PBS_RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download"
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
        # A package, not one of those uv's query imports (core/install_damage.QUERY_MODULES):
        # this interpreter needs none of them, and uv lists it.
        file(f"{lib}/importlib/__init__.py", "# importlib\n"),
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



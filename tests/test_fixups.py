"""core/fixups: uv's post-extract fix-ups, checked against uv's own unit-test expectations."""

from __future__ import annotations

import ast
import json
import os
import pprint
import sys
from pathlib import Path

import pytest
from fixtures_archives import make_pbs_archive, sysconfigdata_text
from hypothesis import given
from hypothesis import strategies as st
from pytui.core.errors import InstallError
from pytui.core.extract import extract_archive
from pytui.core.fixups import (
    EXTERNALLY_MANAGED,
    apply_fixups,
    ensure_externally_managed,
    ensure_python_link,
    ensure_sysconfig_patched,
    executable_path,
)
from pytui.core.keys import parse_key
from pytui.core.sysconfig_text import (
    SYSCONFIG_HEADER,
    format_sysconfigdata,
    parse_sysconfig_literal,
    parse_sysconfigdata,
    patch_pkgconfig_text,
    patch_sysconfig_text,
    patch_sysconfig_vars,
)

KEY = "cpython-3.12.8-linux-x86_64-gnu"


def staged(tmp_path: Path, **kwargs: object) -> Path:
    made = make_pbs_archive(tmp_path / "archives", **kwargs)  # type: ignore[arg-type]
    return extract_archive(made.path, tmp_path / "stage")


def test_uv_snapshot_update_real_prefix() -> None:
    # uv: crates/uv-python/src/sysconfig/mod.rs, test `update_real_prefix`.
    values = {"BASEMODLIBS": "", "BINDIR": "/install/bin", "BINLIBDEST": "/install/lib/python3.10",
              "BLDLIBRARY": "-L. -lpython3.10", "BUILDPYTHON": "python.exe",
              "prefix": "/install/prefix", "exec_prefix": "/install/exec_prefix", "base": "/install/base"}
    assert format_sysconfigdata(patch_sysconfig_vars(values, "/real/prefix")) == (
        "# system configuration generated and used by the sysconfig module\n"
        "build_time_vars = {\n"
        '    "BASEMODLIBS": "",\n'
        '    "BINDIR": "/real/prefix/bin",\n'
        '    "BINLIBDEST": "/real/prefix/lib/python3.10",\n'
        '    "BLDLIBRARY": "-L. -lpython3.10",\n'
        '    "BUILDPYTHON": "python.exe",\n'
        '    "PYTHON_BUILD_STANDALONE": 1,\n'
        '    "base": "/real/prefix/base",\n'
        '    "exec_prefix": "/real/prefix/exec_prefix",\n'
        '    "prefix": "/real/prefix/prefix"\n'
        "}\n"
    )


def test_uv_snapshot_replacements_and_isysroot() -> None:
    # uv: tests `test_replacements` and `remove_isysroot`.
    patched = patch_sysconfig_vars({"CC": "clang -pthread", "CXX": "clang++ -pthread",
                                    "AR": "/tools/llvm/bin/llvm-ar"}, "/real/prefix")
    assert patched == {"CC": "cc -pthread", "CXX": "c++ -pthread", "AR": "ar", "PYTHON_BUILD_STANDALONE": 1}
    cross = patch_sysconfig_vars({"BLDSHARED": "/usr/bin/aarch64-linux-gnu-gcc",
                                  "CC": "/usr/bin/riscv64-linux-gnu-gcc",
                                  "CXX": "/usr/bin/riscv64-linux-gnu-g++",
                                  "LDCXXSHARED": "/usr/bin/aarch64-linux-gnu-g++",
                                  "LDSHARED": "/usr/bin/aarch64-linux-gnu-gcc",
                                  "LINKCC": "/usr/bin/riscv64-linux-gnu-gcc"}, "/real/prefix")
    assert cross == {"BLDSHARED": "cc", "CC": "cc", "CXX": "c++", "LDCXXSHARED": "c++", "LDSHARED": "cc",
                     "LINKCC": "cc", "PYTHON_BUILD_STANDALONE": 1}
    mac = patch_sysconfig_vars({"BLDSHARED": "clang -bundle -undefined dynamic_lookup -arch arm64 "
                                             "-isysroot /Applications/MacOSX14.2.sdk"}, "/real/prefix")
    assert mac["BLDSHARED"] == "cc -bundle -undefined dynamic_lookup -arch arm64"


def test_uv_snapshot_pkgconfig() -> None:
    text = ("# See: man pkg-config\nprefix=/install\nexec_prefix=${prefix}\nlibdir=${exec_prefix}/lib\n"
            "includedir=${prefix}/include\n\nName: Python\nLibs.private: -ldl   -framework CoreFoundation\n")
    patched = patch_pkgconfig_text(text)
    # uv's exact output: Rust's lines() rejoined with "\n", so the final newline goes.
    assert patched == text.replace("prefix=/install\n", "prefix=${pcfiledir}/../..\n").rstrip("\n")
    assert patch_pkgconfig_text(patched) is None  # nothing left to do
    assert patch_pkgconfig_text("prefix=/install/lib\nlib-dir=/install\n") is None


def test_realistic_sysconfigdata(tmp_path: Path) -> None:
    text = sysconfigdata_text("3.12.8", os_name="macos", arch="aarch64", libc="none")
    prefix = "/home/me/.local/share/uv/python/cpython-3.12.8-macos-aarch64-none"
    patched_text = patch_sysconfig_text(text, prefix)
    values = ast.literal_eval(patched_text.split("=", 1)[1].strip())
    assert patched_text.startswith("# system configuration generated and used by the sysconfig module\n")
    assert list(values) == sorted(values)
    assert values["prefix"] == values["exec_prefix"] == prefix
    assert values["LIBDIR"] == f"{prefix}/lib"
    assert values["DESTDIRS"].split() == [prefix, f"{prefix}/lib", f"{prefix}/lib/python3.12",
                                          f"{prefix}/lib/python3.12/lib-dynload"]
    assert values["CC"] == "cc -pthread" and values["CXX"] == "c++ -pthread" and values["AR"] == "ar"
    assert values["LDSHARED"] == "cc -pthread -shared -L/tools/deps/lib"  # -isysroot pair gone
    assert "-isysroot" not in patched_text and "/install/" not in patched_text.replace("'--prefix=/install'", "")
    assert "'--prefix=/install'" in values["CONFIG_ARGS"]  # uv only replaces words starting with /install
    assert values["PYTHON_BUILD_STANDALONE"] == 1 and values["Py_ENABLE_SHARED"] == 1
    # Idempotent: a second run changes nothing.
    assert patch_sysconfig_text(patched_text, prefix) == patched_text


def test_prefix_words_only(tmp_path: Path) -> None:
    values = patch_sysconfig_vars({"A": "/install", "B": "/installs/x /install/lib", "C": "-L/install/lib"},
                                  "/opt/py")
    assert values["A"] == "/opt/py" and values["B"] == "/installs/x /opt/py/lib"
    assert values["C"] == "-L/install/lib"  # uv does not touch words that do not start with /install


def test_parse_refuses_junk() -> None:
    with pytest.raises(InstallError, match="no build_time_vars"):
        parse_sysconfigdata("x = 1\n", "_sysconfigdata_x.py")
    with pytest.raises(InstallError, match="cannot parse"):
        parse_sysconfigdata("build_time_vars = {'A': [1]}\n", "_sysconfigdata_x.py")


def test_apply_fixups_on_staged_tree(tmp_path: Path) -> None:
    prefix = staged(tmp_path, with_python_link=False)
    final = tmp_path / "root" / KEY
    apply_fixups(prefix, KEY, build="20250115", final_prefix=final)
    assert (prefix / "lib/python3.12/EXTERNALLY-MANAGED").read_text() == EXTERNALLY_MANAGED
    assert EXTERNALLY_MANAGED == ("[externally-managed]\nError=This Python installation is managed by uv "
                                  "and should not be modified.\n")
    assert os.readlink(prefix / "bin/python") == "python3.12"
    assert (prefix / "BUILD").read_text() == "20250115"
    data = (prefix / "lib/python3.12/_sysconfigdata__linux_x86_64-linux-gnu.py").read_text()
    assert f'"prefix": "{final}"' in data and '"PYTHON_BUILD_STANDALONE": 1' in data
    pc = (prefix / "lib/pkgconfig/python-3.12.pc").read_text()
    assert "prefix=${pcfiledir}/../..\n" in pc
    # The symlinked python3.pc is not rewritten through its link.
    assert os.path.islink(prefix / "lib/pkgconfig/python3.pc")
    before = {p: p.read_bytes() for p in prefix.rglob("*") if p.is_file() and not p.is_symlink()}
    apply_fixups(prefix, KEY, build="20250115", final_prefix=final)
    after = {p: p.read_bytes() for p in prefix.rglob("*") if p.is_file() and not p.is_symlink()}
    assert before == after
    assert not [p for p in prefix.rglob("*.tmp")]


def test_freethreaded_paths(tmp_path: Path) -> None:
    key = "cpython-3.13.1+freethreaded-linux-x86_64-gnu"
    prefix = staged(tmp_path, version="3.13.1", variant="freethreaded", with_python_link=False)
    apply_fixups(prefix, key, build="20250115")
    assert (prefix / "lib/python3.13t/EXTERNALLY-MANAGED").is_file()
    assert os.readlink(prefix / "bin/python") == "python3.13"
    assert executable_path(prefix, parse_key(key)) == prefix / "bin/python3.13t"
    data = next((prefix / "lib/python3.13t").glob("_sysconfigdata_*.py")).read_text()
    assert f'"LIBDIR": "{prefix}/lib"' in data


def test_existing_python_link_is_kept(tmp_path: Path) -> None:
    prefix = staged(tmp_path)
    (prefix / "bin/python").unlink()
    (prefix / "bin/python").symlink_to("python3")
    ensure_python_link(prefix, KEY)
    assert os.readlink(prefix / "bin/python") == "python3"


def test_windows_and_non_cpython_skip_sysconfig(tmp_path: Path) -> None:
    prefix = staged(tmp_path, kind="zip", os_name="windows", libc="none")
    key = "cpython-3.12.8-windows-x86_64-none"
    apply_fixups(prefix, key, build="20250115")
    assert (prefix / "Lib/EXTERNALLY-MANAGED").read_text() == EXTERNALLY_MANAGED
    assert not (prefix / "bin").exists()
    assert ensure_sysconfig_patched(prefix, key) is None
    pypy = tmp_path / "pypy"
    (pypy / "lib/pypy3.10").mkdir(parents=True)
    assert ensure_externally_managed(pypy, "pypy-3.10.14-linux-x86_64-gnu") == pypy / "lib/pypy3.10/EXTERNALLY-MANAGED"
    assert ensure_sysconfig_patched(pypy, "pypy-3.10.14-linux-x86_64-gnu") is None


def test_missing_sysconfigdata_is_one_line_error(tmp_path: Path) -> None:
    prefix = staged(tmp_path)
    for path in (prefix / "lib/python3.12").glob("_sysconfigdata_*.py"):
        path.unlink()
    with pytest.raises(InstallError) as info:
        apply_fixups(prefix, KEY, build="20250115")
    assert KEY in str(info.value) and "\n" not in str(info.value)


def test_patched_file_is_importable(tmp_path: Path) -> None:
    prefix = staged(tmp_path)
    apply_fixups(prefix, KEY, build=None, final_prefix=tmp_path / "final")
    path = next((prefix / "lib/python3.12").glob("_sysconfigdata_*.py"))
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our own output
    build_vars = namespace["build_time_vars"]
    assert isinstance(build_vars, dict) and build_vars["BINDIR"] == f"{tmp_path / 'final'}/bin"
    assert not (prefix / "BUILD").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="unix layout")
def test_real_interpreter_sysconfigdata(tmp_path: Path) -> None:
    import sysconfig

    # The stdlib directory: `sysconfig` is a module up to 3.12 and a package from 3.13.
    stdlib = Path(sysconfig.get_path("stdlib"))
    source = stdlib / f"{sysconfig._get_sysconfigdata_name()}.py"  # noqa: SLF001
    text = source.read_text().replace(sys.base_prefix, "/install")
    patched = patch_sysconfig_text(text, str(tmp_path / "new"))
    values = ast.literal_eval(patched.split("=", 1)[1].strip())
    original = parse_sysconfigdata(source.read_text())
    assert set(values) == set(original) | {"PYTHON_BUILD_STANDALONE"}
    assert values["prefix"] == str(tmp_path / "new")
    # `<prefix>/lib` (PBS, pyenv); a distribution's interpreter may keep its multiarch dir
    # under it (Debian: /usr/lib/x86_64-linux-gnu).
    assert values["LIBDIR"] == original["LIBDIR"].replace(sys.base_prefix, str(tmp_path / "new"), 1)
    assert values["LIBDIR"].startswith(f"{tmp_path / 'new'}/lib")


_VARIABLE_VALUES = st.one_of(st.text(), st.integers(min_value=-(10**30), max_value=10**30))


@given(st.dictionaries(st.text(), st.one_of(_VARIABLE_VALUES, st.booleans(), st.none(), st.floats())))
def test_format_sysconfigdata_is_json_dumps_with_indent(values: dict[str, object]) -> None:
    """The direct writer is byte-for-byte what `json.dumps(indent=4, ensure_ascii=False)` of the
    sorted variables gives (uv's `to_string_pretty`), for any keys and values, odd types too."""
    body = json.dumps(dict(sorted(values.items())), indent=4, ensure_ascii=False)
    assert format_sysconfigdata(values) == f"{SYSCONFIG_HEADER}build_time_vars = {body}\n"


_KEYS = st.text(max_size=12)
_VALUES = st.one_of(st.text(max_size=40), st.integers(min_value=-(10**20), max_value=10**20))


@given(st.dictionaries(_KEYS, _VALUES, max_size=8), st.integers(min_value=10, max_value=80))
def test_sysconfig_literal_parse_is_literal_eval(values: dict[str, object], width: int) -> None:
    """The direct parser gives what `ast.literal_eval` gives, for the dicts pprint writes (CPython's
    sysconfig data, long strings split into adjacent literals) and the JSON uv writes; where it
    declines (None), the file goes to `ast.literal_eval` as before."""
    for body in (pprint.pformat(values, width=width),
                 format_sysconfigdata(values).split("build_time_vars = ", 1)[1].strip()):
        parsed = parse_sysconfig_literal(body)
        assert parsed is None or parsed == ast.literal_eval(body)
        small = all(type(value) is str or abs(value) < 10**17 for value in values.values())
        if "\\" not in body and small:  # no escapes, no huge numbers: parsed directly
            assert parsed == ast.literal_eval(body)
        assert parse_sysconfigdata(f"build_time_vars = {body}\n") == values


_TOKENS = st.sampled_from(["{", "}", "'a'", '"b"', "'c d'", "'x\\'y'", '"\\n"', "'\\x41'", ":", ",",
                           " ", "\n", "1", "-2", "007", "0x1", "(", ")", "#", "'", '"', "\\", "\t",
                           "\x00", "é", "True", "None", "1.5", "'e' 'f'", "'g'\n 'h'"])


@given(st.lists(_TOKENS, max_size=24))
def test_sysconfig_literal_parse_never_disagrees_with_literal_eval(tokens: list[str]) -> None:
    """On any arrangement of literal pieces, the direct parser either declines or agrees with
    `ast.literal_eval` (and never accepts what it refuses)."""
    body = "{" + "".join(tokens) + "}"
    parsed = parse_sysconfig_literal(body)
    if parsed is None:
        return
    assert parsed == ast.literal_eval(body)


def _patched_the_long_way(values: dict[str, object], real_prefix: str) -> dict[str, object]:
    """`patch_sysconfig_vars` with every string through both word loops (no shortcut)."""
    from pytui.core.sysconfig_text import (
        FULL_REPLACEMENTS,
        WORD_REPLACEMENTS,
        _remove_isysroot,
        _update_prefix,
    )

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


_SYSCONFIG_WORDS = st.lists(st.sampled_from(["/install", "/install/lib", "/installs/x", "-isysroot", "/sdk",
                                             "clang", "-O2", "", " ", "\t", "\n", "  ", "\u2003", "x/install",
                                             "-isysroot/x", "/usr/bin/x86_64-linux-gnu-gcc"]),
                            max_size=8).map("".join)


@given(st.dictionaries(st.sampled_from(["CC", "CXX", "AR", "LDSHARED", "prefix", "CFLAGS", "X"]),
                       st.one_of(_SYSCONFIG_WORDS, st.text(max_size=20), st.integers())),
       st.sampled_from(["/real/prefix", "/", "/a b/c", "/installs", "/install"]))
def test_patch_sysconfig_vars_shortcut_is_the_word_loops(values: dict[str, object], prefix: str) -> None:
    """Strings with no `/install` and no `-isysroot` are only re-spaced: the same result as
    taking every string through both word loops."""
    assert patch_sysconfig_vars(values, prefix) == _patched_the_long_way(values, prefix)

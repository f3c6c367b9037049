"""An install from the pristine tree kept in the cache imports only what it uses: a plain
command line is read without argparse (app/plain_args.py), the transfer bounds are checked
without core/http.py unless a PYTUI_* variable is set (core/settings.py), the cache-name grammar
and its regular expressions are imported only to list or purge the cache (core/cache.py), and
the download and extraction engines, the archive cache's own module and the job's archive path
(core/job_archive.py) only when a job needs them (core/jobs.py), the kept catalog's module only for that catalog (core/sources.py), the catalog
document parser only when the parsed cache misses (core/catalog.py), and the
upgrade policy and the words for filesystem failures only when they are used
(core/install_root.py), and the json package not at all (core/json_codec.py). A module below
turning up again is a regression of the install's start-up, which bench/install.py measures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui

NOT_IMPORTED = (
    "argparse", "gettext", "locale", "pytui.app.parser",  # the command line
    "pytui.core.http", "httpx", "socket", "ssl", "pytui.core.download", "pytui.core.urls",
    "pytui.core.extract", "pytui.core.tar_reader", "tarfile", "zipfile", "pytui.core.decompress",
    "pytui.core.cache_names", "pytui.core.filenames", "pytui.core.cache_verify",
    "pytui.core.mirror", "pytui.core.cache", "pytui.core.job_archive", "pytui.core.member_policy", "pytui.core.tar_headers", "typing", "dataclasses", "inspect", "concurrent.futures",
    "logging",
    # the kept catalog and its refresh, the upgrade policy, the words for filesystem failures
    "pytui.core.kept_catalog", "math", "pytui.core.install_policy", "pytui.core.fs_errors",
    # atomic writes (a fetched catalog only); the document parser (a hit in the parsed cache)
    "pytui.core.atomic", "pytui.core.catalog_parse",
    # whether a killed writer's temp link runs on (only when the bin dir holds one)
    "pytui.core.writer_pids",
    # the flock on a tree store's work dir (only when a tree is kept or removed)
    "pytui.core.dir_hold",
    # the json package (its import compiles six regular expressions): core/json_codec.py reads
    # and writes the install's documents with the C scanner and encoder it would use
    "json",
    "textual", "rich",
    # re and the enum it imports (~11.6 M instructions): pathlib 3.10/3.11 is imported with a
    # stand-in for it (app/cli.py), and nothing else on the path needs a pattern; 3.12's
    # pathlib imports it as it is imported
    *(("re", "enum") if sys.version_info < (3, 12) else ()),
)

# What the install imported, beside what the interpreter had before pytui (an editable
# install's import hook, site), and the classes its pytui modules made with
# collections.namedtuple (which compiles each one's `__new__` at import: core/keys.NamedFields
# is what they use); printed as JSON on stdout after main() returns.
CODE = """
import sys
before = set(sys.modules)
from pytui.app.cli import main
code = main(sys.argv[1:])
imported = sorted(set(sys.modules) - before)
import json
named_tuples = sorted(f"{name}.{attr}" for name in imported if name.startswith("pytui.")
                      for attr, value in vars(sys.modules[name]).items()
                      if isinstance(value, type) and value.__module__ == name
                      and any("_field_defaults" in vars(base) for base in value.__mro__))
print(json.dumps([imported, named_tuples]))
sys.exit(code)
"""


# CODE's prefix where the package dir is its first argument (`installed_package`).
INSTALLED = """
import sys
sys.path.insert(0, sys.argv.pop(1))
"""


def installed_package(tmp: Path) -> Path:
    """A dir holding `pytui` as an install lays it out (this checkout's parts linked in)."""
    repo = Path(__file__).resolve().parent.parent
    package = tmp / "pkg" / "pytui"
    package.mkdir(parents=True)
    for part, source in (("__init__.py", "pytui_pkg/__init__.py"), ("core", "core"), ("app", "app")):
        (package / part).symlink_to(repo / source)
    return package.parent


@pytest.mark.parametrize("reinstall", [False, True], ids=["install", "reinstall"])
def test_an_install_from_the_tree_imports_only_what_it_uses(pytui: Pytui, reinstall: bool) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")  # extracts the archive and keeps its tree
    assert pytui.trees() == [made.build.sha256]
    if not reinstall:
        shutil.rmtree(pytui.root)
        shutil.rmtree(pytui.bin)
    argv = ["install", "-v", *(["--reinstall"] if reinstall else []), "3.12"]
    # As a user's environment: no PYTUI_* variable (the harness sets a short retry backoff).
    env = {name: value for name, value in pytui.env().items() if not name.startswith("PYTUI_")}
    # As an installed pytui starts (only the package on sys.path, no site, whose editable-install
    # hook imports re and pathlib itself), so that `before` is the interpreter's own.
    done = subprocess.run([sys.executable, "-I", "-S", "-c", INSTALLED + CODE, str(installed_package(pytui.tmp)), *argv],
                          env=env, capture_output=True, text=True, timeout=120, cwd=pytui.tmp)
    assert done.returncode == 0, done.stderr
    assert "unpacked by the pristine tree kept in the cache" in done.stderr, done.stderr
    imported_list, named_tuples = json.loads(done.stdout.splitlines()[-1])
    imported = set(imported_list)
    assert named_tuples == [], named_tuples
    assert "pytui.app.cmd_install" in imported and "pytui.core.tree_store" in imported
    loaded = sorted(name for name in imported
                    if any(name == lazy or name.startswith(lazy + ".") for lazy in NOT_IMPORTED))
    assert loaded == [], loaded
    pytui.temp_left()  # a reinstall's deleter is done before the tmp dir goes


# The regular expressions compiled while the command runs (pytui's imports included): each
# pattern not yet in re's cache, printed as JSON on stdout after main() returns.
COMPILES_CODE = """
import re, sys
compiled = []
compile_uncached = re._compile

def recording(pattern, flags):
    if (type(pattern), pattern, flags) not in re._cache:
        compiled.append(str(pattern))
    return compile_uncached(pattern, flags)

re._compile = recording
from pytui.app.cli import main
code = main(sys.argv[1:])
re._compile = compile_uncached  # (json's own patterns, compiled as it is imported here, are not the install's)
import json
print(json.dumps(compiled))
sys.exit(code)
"""


@pytest.mark.parametrize("reinstall", [False, True], ids=["install", "reinstall"])
def test_an_install_from_the_tree_compiles_no_regular_expression(pytui: Pytui, reinstall: bool) -> None:
    # A pattern compiled at import costs its parse and compile on every install (app/safe_text's
    # for a path to print, ~0.36 M instructions, where a printable path never uses it).
    pytui.add("3.12.8")
    pytui.call("install", "3.12")  # extracts the archive and keeps its tree
    if not reinstall:
        shutil.rmtree(pytui.root)
        shutil.rmtree(pytui.bin)
    argv = ["install", *(["--reinstall"] if reinstall else []), "3.12"]
    env = {name: value for name, value in pytui.env().items() if not name.startswith("PYTUI_")}
    done = subprocess.run([sys.executable, "-c", COMPILES_CODE, *argv], env=env, capture_output=True,
                          text=True, timeout=120, cwd=pytui.tmp)
    assert done.returncode == 0, done.stderr
    compiled = json.loads(done.stdout.splitlines()[-1])
    assert compiled == [], compiled
    pytui.temp_left()  # a reinstall's deleter is done before the tmp dir goes


# What an install that downloads over plain http (core/plain_http.py, no HTTP client library)
# does not need either: 2421363 put `typing` there through core/cache_locks.py's import of
# TYPE_CHECKING (core's modules take it from core/keys.py for this reason).
NOT_IMPORTED_DOWNLOADING = ("typing", "dataclasses", "inspect", "concurrent.futures", "logging",
                            "httpx", "ssl", "argparse", "textual", "rich")


def test_an_install_downloading_over_plain_http_imports_no_typing(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    assert made.build.url.startswith("http://")
    env = {name: value for name, value in pytui.env().items() if not name.startswith("PYTUI_")}
    done = subprocess.run([sys.executable, "-c", CODE, "install", "3.12"], env=env,
                          capture_output=True, text=True, timeout=120, cwd=pytui.tmp)
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout.splitlines()[-1])[0])
    assert {"pytui.core.plain_http", "pytui.core.cache_locks", "pytui.core.extract"} <= imported
    loaded = sorted(name for name in imported
                    if any(name == lazy or name.startswith(lazy + ".") for lazy in NOT_IMPORTED_DOWNLOADING))
    assert loaded == [], loaded


def test_a_pytui_transfer_variable_is_still_checked_at_start(pytui: Pytui) -> None:
    # core/http.py is skipped at start only while no PYTUI_* variable is set.
    pytui.add("3.12.8")
    done = pytui.run("install", "3.12", PYTUI_HTTP_SPEED_TIME="nan")
    assert done.returncode == 2, str(done)
    assert "PYTUI_HTTP_SPEED_TIME" in done.stderr and "Traceback" not in done.stderr
    assert not pytui.root.exists() or not any(pytui.root.glob("cpython-*"))


# As an installed pytui starts: only the package on sys.path, no site (an editable install's
# import hook, run from a .pth, imports urllib.parse itself).
PATHLIB_CODE = """
import sys
sys.path.insert(0, sys.argv[1])
import pytui.app.cli
from pathlib import Path
print('urllib.parse' in sys.modules)
print(Path('/a b/c').as_uri())
print('urllib.parse' in sys.modules, sys.modules['urllib.parse'].quote_from_bytes(b'x y'))
"""


def test_pathlib_is_imported_without_urllib_until_a_uri_is_made(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", PATHLIB_CODE, str(installed_package(tmp_path))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The real urllib.parse, once a file: URI is made.
    assert done.stdout.splitlines() == ["False", "file:///a%20b/c", "True x%20y"]


# As PATHLIB_CODE: what pathlib imports at its top and uses only in its methods is imported
# when a method first uses it, and is the real module from then on.
USED_LATER_CODE = """
import sys
sys.path.insert(0, sys.argv[1])
import pytui.app.cli
print(sorted(name for name in ("ntpath", "fnmatch", "warnings", "re", "enum") if name in sys.modules))
from pathlib import Path, PurePosixPath, PureWindowsPath
print(PureWindowsPath("c:/a/b.py").as_posix(), PureWindowsPath("c:/a") / "b", PurePosixPath("/a/b.py").match("*.py"))
print(sorted(path.name for path in Path(sys.argv[2]).glob("*.txt")))
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    (Path(sys.argv[2]) / "a.txt").link_to(Path(sys.argv[2]) / "c.txt")  # deprecated on 3.10 and 3.11
print([type(w.message).__name__ for w in caught])
import fnmatch, ntpath
print(ntpath.join("a", "b"), fnmatch.fnmatch("x.py", "*.py"), type(sys.modules["warnings"]).__name__,
      type(sys.modules["re"]).__name__)
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="pathlib 3.12 uses fnmatch at import and ntpath by identity")
def test_pathlib_imports_ntpath_fnmatch_warnings_and_re_when_first_used(tmp_path) -> None:
    installed_package(tmp_path)
    (tmp_path / "a.txt").write_text("")
    (tmp_path / "b.log").write_text("")
    done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", USED_LATER_CODE, str(tmp_path / "pkg"), str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "c:/a/b.py c:\\a\\b True", "['a.txt']", "['DeprecationWarning']",
                                        "a\\b True module module"]


# An install with the default catalog (the embedded one, and a kept copy if any) as
# `pytui install` loads it: what it imported, beside the interpreter's own, and whether a
# build was found.
DEFAULT_CATALOG_CODE = """
import json, sys
before = set(sys.modules)
import pytui.app.cli
from pytui.core.settings import Settings
from pytui.core.sources import load_catalog
catalog = load_catalog(Settings.resolve(), lazy=True)
found = catalog.get("cpython-3.12.8-linux-x86_64-gnu") is not None
print(json.dumps([found, sorted(set(sys.modules) - before)]))
"""


def test_the_default_catalog_from_the_parsed_cache_imports_no_parser(pytui: Pytui) -> None:
    # The first run parses pbs-installer's list and keeps the result; the next ones read it
    # back, and need neither the archive-name grammar (with urllib.parse) nor the document
    # parser, nor a refresh's atomic writes.
    env = {name: value for name, value in pytui.env().items()
           if not name.startswith("PYTUI_") and name != "UV_PYTHON_DOWNLOADS_JSON_URL"}
    for run in ("parses", "reads back"):
        done = subprocess.run([sys.executable, "-c", DEFAULT_CATALOG_CODE], env=env, capture_output=True,
                              text=True, timeout=120, cwd=pytui.tmp)
        assert done.returncode == 0, done.stderr
        found, imported = json.loads(done.stdout.splitlines()[-1])
        assert found, run
    parsers = ("pytui.core.filenames", "pytui.core.catalog_parse", "pytui.core.atomic",
               "pytui.core.cache_names")
    assert "pytui.core.embedded" in imported
    assert [name for name in imported if name in parsers] == []

"""`pytui upgrade` under UV_PYTHON_CPYTHON_BUILD does what `uv python upgrade` (the real uv,
0.13.9) does, which reads it as `uv python install` does (it ignored it): each minor version's
target is the newest patch of the pinned release, installed unless that key is installed with
that build, also when it is older than the installed patch (installed beside it; the
minor-version link stays on the highest). A pin no build of the minor has installs nothing for
it (uv: `No download found for request`, exit 2; pytui: its install's line, exit 2). The value
is trimmed, and white space alone is unset, as uv reads it. Each case runs pytui and uv on two
roots from one catalog on the loopback server, and compares what each root then holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui, minor_of
from test_uv_interop import UV, uv

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

VAR = "UV_PYTHON_CPYTHON_BUILD"


def keys(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("cpython-3.") and not p.is_symlink())


def minor_target(root: Path, version: str) -> str:
    return (root / minor_of(version)).readlink().name


def both(pytui: Pytui, installed: str, pin: str) -> tuple[object, object, Path]:
    """pytui's and uv's `upgrade 3.12` with `pin`, each on its own root holding `installed`."""
    uv_root, uv_bin = pytui.tmp / "uv-root", pytui.tmp / "uv-bin"
    where = {"UV_PYTHON_INSTALL_DIR": str(uv_root), "UV_PYTHON_BIN_DIR": str(uv_bin)}
    assert pytui.run("install", installed).returncode == 0
    assert uv(pytui, "python", "install", installed, offline=False, **where).returncode == 0
    ours = pytui.run("upgrade", "3.12", **{VAR: pin})
    theirs = uv(pytui, "python", "upgrade", "3.12", offline=False, **where, **{VAR: pin})
    return ours, theirs, uv_root


@pytest.fixture
def releases(pytui: Pytui) -> Pytui:
    pytui.add("3.12.7", "20241016")
    pytui.add("3.12.8", "20241219")
    pytui.add("3.12.9", "20250115")
    return pytui


@pytest.mark.parametrize(("installed", "pin", "after"), [
    ("3.12.7", "20241219", "3.12.8"),    # the pinned release's newest patch, not the newest
    ("3.12.9", "20241219", "3.12.8"),    # older than what is installed: beside it
    ("3.12.7", " 20241219\t", "3.12.8"),  # trimmed
    ("3.12.7", "  ", "3.12.9"),          # white space alone: unset
], ids=["newer", "older", "trimmed", "blank"])
def test_upgrade_follows_the_build_pin_as_uv(releases: Pytui, installed: str, pin: str,
                                             after: str) -> None:
    pytui = releases
    ours, theirs, uv_root = both(pytui, installed, pin)
    assert ours.returncode == 0 and theirs.returncode == 0, (str(ours), theirs.stderr)
    key = f"cpython-{after}-linux-x86_64-gnu"
    assert f" + {key}" in ours.stderr and f" + {key}" in theirs.stderr, (ours.stderr, theirs.stderr)
    assert keys(pytui.root) == keys(uv_root) == sorted({f"cpython-{installed}-linux-x86_64-gnu", key})
    highest = max(installed, after, key=lambda v: int(v.split(".")[2]))
    assert minor_target(pytui.root, highest) == minor_target(uv_root, highest) == \
        f"cpython-{highest}-linux-x86_64-gnu"
    # Run again: the pinned build is there, nothing to do for either.
    again = pytui.run("upgrade", "3.12", **{VAR: pin})
    assert again.returncode == 0 and "3.12 is already on the latest supported patch release" in \
        again.stderr, str(again)


def test_a_pin_no_build_has_installs_nothing(releases: Pytui) -> None:
    pytui = releases
    ours, theirs, uv_root = both(pytui, "3.12.7", "99999999")
    assert theirs.returncode == 2 and "No download found for request" in theirs.stderr, theirs.stderr
    assert ours.returncode == theirs.returncode and ours.stderr.splitlines() == [
        f"error: no download found for cpython-3.12-linux-x86_64-gnu with build 99999999 ({VAR}) "
        f"in catalog {pytui.catalog}; see `pytui list --all-versions`, or unset {VAR}"], str(ours)
    assert keys(pytui.root) == keys(uv_root) == ["cpython-3.12.7-linux-x86_64-gnu"]


def test_the_dry_run_of_an_older_pinned_patch_says_it_goes_beside_and_the_link_stays(releases: Pytui) -> None:
    """Before: ` cpython-3.12.9-… -> cpython-3.12.8-…`, a downgrade of the install the link
    leads to. Both tools then do what the line says: 3.12.8 beside 3.12.9, the link on 3.12.9
    (uv 0.13.9 has no `upgrade --dry-run`; its upgrade says ` + cpython-3.12.8-…`)."""
    pytui = releases
    new, old = "cpython-3.12.9-linux-x86_64-gnu", "cpython-3.12.8-linux-x86_64-gnu"
    assert pytui.run("install", "3.12.9").returncode == 0
    before = pytui.state()
    dry = pytui.run("upgrade", "--dry-run", **{VAR: "20241219"})
    assert dry.returncode == 0 and dry.stderr.splitlines() == [
        "Would upgrade 1 version",
        f" + {old} (build 20241219, pinned by {VAR}; installed beside {new}, which "
        f"{minor_of('3.12')} keeps leading to)"], str(dry)
    assert pytui.state() == before
    ours, theirs, uv_root = both(pytui, "3.12.9", "20241219")
    assert ours.returncode == 0 and theirs.returncode == 0, (str(ours), theirs.stderr)
    assert f" + {old}" in ours.stderr and f" + {old}" in theirs.stderr, (ours.stderr, theirs.stderr)
    assert keys(pytui.root) == keys(uv_root) == [old, new]
    assert minor_target(pytui.root, "3.12") == minor_target(uv_root, "3.12") == new


def test_the_dry_run_of_an_older_pinned_build_of_the_installed_patch_says_older(pytui: Pytui) -> None:
    """3.12.9 from 20250115 installed; the catalog's 3.12.9 now the pinned 20250101 build:
    the upgrade replaces the install with that older build, as uv's does, and says so."""
    key = "cpython-3.12.9-linux-x86_64-gnu"
    pytui.add("3.12.9", "20250115")
    assert pytui.run("install", "3.12.9").returncode == 0
    uv_root, uv_bin = pytui.tmp / "uv-root", pytui.tmp / "uv-bin"
    where = {"UV_PYTHON_INSTALL_DIR": str(uv_root), "UV_PYTHON_BIN_DIR": str(uv_bin)}
    assert uv(pytui, "python", "install", "3.12.9", offline=False, **where).returncode == 0
    pytui.add("3.12.9", "20250101")
    dry = pytui.run("upgrade", "--dry-run", **{VAR: "20250101"})
    assert dry.returncode == 0 and dry.stderr.splitlines() == [
        "Would upgrade 1 version",
        f" {key} build 20250115 -> build 20250101 (the installed build is replaced by the older "
        f"one {VAR} pins)"], str(dry)
    ours = pytui.run("upgrade", "3.12", **{VAR: "20250101"})
    theirs = uv(pytui, "python", "upgrade", "3.12", offline=False, **where, **{VAR: "20250101"})
    assert ours.returncode == 0 and theirs.returncode == 0, (str(ours), theirs.stderr)
    assert (pytui.root / key / "BUILD").read_text().strip() == \
        (uv_root / key / "BUILD").read_text().strip() == "20250101", (ours.stderr, theirs.stderr)

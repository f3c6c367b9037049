"""The Environments table's How cell for a broken environment says what it wants, through a
patch directory or a minor version's link (the minor form said `broken` alone, the Status
column's word again)."""

from __future__ import annotations

from pathlib import Path

from pytui.app.envs_view import short_how
from pytui.core.environment import Environment


def test_a_broken_env_through_a_minor_link_says_the_minor_it_wants(tmp_path: Path) -> None:
    env = Environment(tmp_path / ".venv", "venv", None, "minor", "broken",
                      wanted="cpython-3.11-linux-x86_64-gnu", minor="cpython-3.11-linux-x86_64-gnu",
                      error="wanted cpython-3.11-linux-x86_64-gnu, which is not installed")
    assert short_how(env) == "wants 3.11"


def test_a_broken_env_through_a_patch_dir_says_the_patch_and_an_unreadable_one_broken(tmp_path: Path) -> None:
    patch = Environment(tmp_path / "a", "venv", None, "patch", "broken",
                        wanted="cpython-3.12.99-linux-x86_64-gnu", error="gone")
    assert short_how(patch) == "wants 3.12.99"
    odd = Environment(tmp_path / "b", "venv", None, "minor", "broken", wanted="not-a-link", error="gone")
    assert short_how(odd) == "broken"

"""core/uv_config.py under files made to cost: work bounded by what uv 0.13.9 reads at once
(a workspace's member globs, a TOML file's keys), and a working directory that is gone."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
from pytui.core.uv_config import load


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}


def test_a_member_glob_of_many_double_stars_is_matched_in_bounded_steps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty-four `**` over a member twenty directories deep: trying every split of each was
    exponential (`pytui list` there ran for minutes; uv 0.13.9 answers in 2.7 s). The matcher
    now tries each component against each pattern position at most once."""
    root = tmp_path / "ws"
    pattern = "/".join(["**"] * 24 + ["nomatch"])
    _write(root / "pyproject.toml", f'[tool.uv.workspace]\nmembers = ["{pattern}"]\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    member = root.joinpath(*"abcdefghijklmnopqrst")
    _write(member / "pyproject.toml", '[project]\nname = "m"\nversion = "1"\n'
                                      '[tool.uv]\npython-install-mirror = "http://member"\n')
    calls = 0
    real = fnmatch.fnmatchcase

    def counted(name: str, pat: str) -> bool:
        nonlocal calls
        calls += 1
        if calls > 25 * 21:  # a position per pattern component, for each path component
            raise AssertionError(f"{calls} component matches for one glob")
        return real(name, pat)

    monkeypatch.setattr(fnmatch, "fnmatchcase", counted)
    # Not a member (nothing matches "nomatch"): its own [tool.uv] is read.
    assert load(_env(tmp_path), member).get("python-install-mirror") == "http://member"
    _write(root / "pyproject.toml", f'[tool.uv.workspace]\nmembers = ["{"/".join(["**"] * 24)}/t"]\n'
                                    '[tool.uv]\npython-install-mirror = "http://root"\n')
    calls = 0
    assert load(_env(tmp_path), member).get("python-install-mirror") == "http://root"

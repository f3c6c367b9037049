"""Resolved settings shared by the CLI and the TUI (one object, built once from flags and env)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pytui.core import paths
from pytui.core.env import EnvValues

# uv's catalog on its main branch; `pytui list --refresh` and the TUI fetch it unless offline.
DEFAULT_CATALOG_URL = (
    "https://raw.githubusercontent.com/astral-sh/uv/main/crates/uv-python/download-metadata.json"
)


@dataclass(slots=True)
class Settings:
    install_root: Path
    cache_dir: Path
    state_dir: Path
    bin_dir: Path
    offline: bool = False
    # `--downloads-json` / `UV_PYTHON_DOWNLOADS_JSON_URL`: a path or URL that replaces every other source.
    downloads_json: str | None = None
    # `--mirror` / `UV_PYTHON_INSTALL_MIRROR`: used alone when set.
    mirror: str | None = None
    # `UV_ASTRAL_MIRROR_URL` replaces https://releases.astral.sh when set.
    astral_mirror: str | None = None
    catalog_url: str = DEFAULT_CATALOG_URL
    jobs: int = 4
    no_bin: bool = False
    # `PYTUI_NO_TREES=1`: never keep or use pristine trees (always extract the archive).
    no_trees: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # uv's variables with a syntax (timeouts, retries, booleans), parsed and checked once.
    env_values: EnvValues = field(default_factory=EnvValues)

    @classmethod
    def resolve(
        cls,
        *,
        install_dir: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        offline: bool = False,
        downloads_json: str | None = None,
        mirror: str | None = None,
        catalog_url: str | None = None,
        jobs: int | None = None,
        no_bin: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        env = dict(os.environ if env is None else env)
        # First, so a bad value stops every command before it does anything (UsageError, exit 2).
        values = EnvValues.parse(env)
        return cls(
            install_root=paths.install_root(install_dir, env),
            cache_dir=paths.cache_dir(cache_dir, env),
            state_dir=paths.state_dir(env),
            bin_dir=paths.bin_dir(env),
            offline=offline or values.offline,
            downloads_json=downloads_json or env.get("UV_PYTHON_DOWNLOADS_JSON_URL") or None,
            mirror=mirror or env.get("UV_PYTHON_INSTALL_MIRROR") or None,
            astral_mirror=env.get("UV_ASTRAL_MIRROR_URL") or None,
            catalog_url=catalog_url or env.get("PYTUI_CATALOG_URL") or DEFAULT_CATALOG_URL,
            jobs=jobs or 4,
            no_bin=no_bin or values.install_bin is False,
            no_trees=env.get("PYTUI_NO_TREES", "").lower() in {"1", "true", "yes"},
            env=env,
            env_values=values,
        )

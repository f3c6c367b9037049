"""Resolved settings shared by the CLI and the TUI (one object, built once from flags and env)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pytui.core import paths, uv_config
from pytui.core.env import EnvValues, pytui_flag
from pytui.core.uv_config import UvConfig

# uv's catalog on its main branch; `pytui list --refresh` and the TUI fetch it unless offline.
DEFAULT_CATALOG_URL = (
    "https://raw.githubusercontent.com/astral-sh/uv/main/crates/uv-python/download-metadata.json"
)


_FIELDS = ("install_root", "cache_dir", "state_dir", "bin_dir", "offline", "downloads_json",
           "mirror", "astral_mirror", "catalog_url", "jobs", "no_bin", "no_trees", "env",
           "env_values", "pypy_mirror", "uv_config")


class Settings:
    """The run's settings. A plain class, not a dataclass: `pytui list` builds one on every run
    and `dataclasses` imports `inspect`. Change one with `settings.replace(offline=True)`.

    `downloads_json` (`--downloads-json` / `UV_PYTHON_DOWNLOADS_JSON_URL`): a path or URL that
    replaces every other source; `mirror` (`--mirror` / `UV_PYTHON_INSTALL_MIRROR`): used alone
    when set; `astral_mirror` (`UV_ASTRAL_MIRROR_URL`) replaces https://releases.astral.sh;
    `no_trees` (`PYTUI_NO_TREES=1`): never keep or use pristine trees; `env_values`: uv's
    variables with a syntax (timeouts, retries, booleans), parsed and checked once;
    `pypy_mirror` (`UV_PYPY_INSTALL_MIRROR`); `uv_config`: what uv's configuration files set
    (core/uv_config.py), already merged into the fields above under the flags and variables,
    kept to say where a setting came from.
    """

    __slots__ = _FIELDS

    def __init__(self, install_root: Path, cache_dir: Path, state_dir: Path, bin_dir: Path,
                 offline: bool = False, downloads_json: str | None = None,
                 mirror: str | None = None, astral_mirror: str | None = None,
                 catalog_url: str = DEFAULT_CATALOG_URL, jobs: int = 4, no_bin: bool = False,
                 no_trees: bool = False, env: Mapping[str, str] | None = None,
                 env_values: EnvValues | None = None, pypy_mirror: str | None = None,
                 uv_config: UvConfig | None = None) -> None:
        self.install_root = install_root
        self.cache_dir = cache_dir
        self.state_dir = state_dir
        self.bin_dir = bin_dir
        self.offline = offline
        self.downloads_json = downloads_json
        self.mirror = mirror
        self.astral_mirror = astral_mirror
        self.catalog_url = catalog_url
        self.jobs = jobs
        self.no_bin = no_bin
        self.no_trees = no_trees
        self.env: Mapping[str, str] = dict(os.environ) if env is None else env
        self.env_values = EnvValues() if env_values is None else env_values
        self.pypy_mirror = pypy_mirror
        self.uv_config = UvConfig() if uv_config is None else uv_config

    def source_of(self, key: str) -> Path | None:
        """The configuration file a setting (uv's key: `python-install-mirror`) was taken from;
        None when a flag or variable set it, or nothing did."""
        return self.uv_config.source(key) if key in self.uv_config.used else None

    def _values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _FIELDS}

    def replace(self, **changes: object) -> Settings:
        """A copy with `changes` (what `dataclasses.replace` did when this was a dataclass)."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise TypeError(f"Settings has no field {sorted(unknown)[0]!r}")
        return Settings(**{**self._values(), **changes})  # type: ignore[arg-type]  # the fields' own types

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._values().items())
        return f"Settings({fields})"

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
        config_file: str | None = None,
        no_config: bool = False,
        cwd: Path | None = None,
    ) -> Settings:
        env = dict(os.environ if env is None else env)
        # First, so a bad value stops every command before it does anything (UsageError, exit 2).
        values = EnvValues.parse(env)
        # pytui's own transfer limits too (PYTUI_*; uv's were just checked above), so a bad value
        # stops any command before it starts. Only when one is set: a command that downloads
        # nothing (an install from a kept tree) does not import core/http.py.
        no_trees = False
        if any(name.startswith("PYTUI_") for name in env):
            from pytui.core.download_policy import Backoff
            from pytui.core.http import TransferLimits

            TransferLimits.from_env(env)
            Backoff.from_env(env)
            if env.get("PYTUI_SCAN_BUDGET"):  # read by a scan, which may start long after (the TUI's)
                from pytui.core.env_places import time_budget

                time_budget(env)
            no_trees = pytui_flag(env, "PYTUI_NO_TREES")
        # uv's files, under the flags and variables (uv's order: flag, variable, file).
        config = uv_config.load(env, cwd, config_file=config_file, no_config=no_config)
        config.start = cwd
        values = _with_files(values, env, config)
        offline_set = env.get("UV_OFFLINE") is not None
        config.used = _taken_from_files(config, env, offline or values.offline or offline_set,
                                        downloads_json, mirror)
        return cls(
            install_root=paths.install_root(install_dir, env),
            cache_dir=paths.cache_dir(cache_dir, env),
            state_dir=paths.state_dir(env),
            bin_dir=paths.bin_dir(env),
            offline=offline or values.offline or (
                not offline_set and config.get("offline") is True),
            downloads_json=downloads_json or env.get("UV_PYTHON_DOWNLOADS_JSON_URL")
            or _text(config.get("python-downloads-json-url")),
            mirror=mirror or env.get("UV_PYTHON_INSTALL_MIRROR")
            or _text(config.get("python-install-mirror")),
            astral_mirror=env.get("UV_ASTRAL_MIRROR_URL") or None,
            catalog_url=catalog_url or env.get("PYTUI_CATALOG_URL") or DEFAULT_CATALOG_URL,
            jobs=jobs or 4,
            no_bin=no_bin or values.install_bin is False,
            no_trees=no_trees,
            env=env,
            env_values=values,
            pypy_mirror=env.get("UV_PYPY_INSTALL_MIRROR") or _text(config.get("pypy-install-mirror")),
            uv_config=config,
        )


def _text(value: object) -> str | None:
    """A string setting from a file; None for the empty string, as an empty variable is unset."""
    return value if isinstance(value, str) and value else None


def _taken_from_files(config: UvConfig, env: Mapping[str, str], offline_said: bool,
                      downloads_json: str | None, mirror: str | None) -> frozenset[str]:
    """The keys whose file value the run takes: set in a file, and by no flag or variable."""
    said = {"offline": offline_said,
            "python-downloads-json-url": bool(downloads_json or env.get("UV_PYTHON_DOWNLOADS_JSON_URL")),
            "python-install-mirror": bool(mirror or env.get("UV_PYTHON_INSTALL_MIRROR")),
            "pypy-install-mirror": bool(env.get("UV_PYPY_INSTALL_MIRROR")),
            "python-downloads": env.get("UV_PYTHON_DOWNLOADS") is not None,
            "python-preference": env.get("UV_PYTHON_PREFERENCE") is not None}
    return frozenset(key for key, value in config.values.items()
                     if not said.get(key, True) and value not in ("", False))


def _with_files(values: EnvValues, env: Mapping[str, str], config: UvConfig) -> EnvValues:
    """`values` with what the files set where no variable did (UV_PYTHON_DOWNLOADS,
    UV_PYTHON_PREFERENCE: `pytui list` hides downloads by them, as `uv python list`)."""
    downloads, preference = config.get("python-downloads"), config.get("python-preference")
    changes: dict[str, object] = {}
    if isinstance(downloads, str) and env.get("UV_PYTHON_DOWNLOADS") is None:
        changes["python_downloads"] = downloads
    if isinstance(preference, str) and env.get("UV_PYTHON_PREFERENCE") is None:
        changes["python_preference"] = preference
    if not changes:
        return values
    fields = dict(zip(EnvValues._fields, values, strict=True))
    fields.update(changes)
    return EnvValues(**fields)

"""What a scan reads of the files its walk found (core/envs.py): each venv's pyvenv.cfg and
each project's .python-version, a stored reading reused while the file's identity is the
stored one, and the install each pin's request resolves to."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pytui.core.env_files import (
    CFG_MAX_BYTES,
    PIN_MAX_BYTES,
    FileIdent,
    file_ident,
    parse_pin,
    parse_pyvenv_cfg,
    read_regular,
)
from pytui.core.env_resolve import pin_choice
from pytui.core.environment import Environment, ScanResult
from pytui.core.models import Installation

# A file's reading: its identity and what it says (None: not a readable regular file).
Reading = tuple[FileIdent, "dict[str, str] | None"]


def read_cfgs(venv_dirs: Iterable[str], stored_cfg: Mapping[str, Reading]) -> dict[str, Reading]:
    """Each pyvenv.cfg's reading (reused while its identity is the stored one; fields None when
    it is not a readable regular file); a venv whose pyvenv.cfg is gone is left out."""
    readings: dict[str, Reading] = {}
    for env_dir in venv_dirs:
        cfg_path = os.path.join(env_dir, "pyvenv.cfg")
        ident = file_ident(cfg_path)
        if ident is None:
            continue
        stored = stored_cfg.get(env_dir)
        if stored is not None and stored[0] == ident:
            readings[env_dir] = stored
            continue
        data = read_regular(cfg_path, CFG_MAX_BYTES)
        readings[env_dir] = (ident, None if data is None else parse_pyvenv_cfg(data))
    return readings


def read_pins(pin_files: Sequence[str], stored_pins: Mapping) -> tuple[list[tuple[str, str | None]], dict]:
    """Each .python-version's request (reused while its identity is the stored one), and the
    readings to keep."""
    texts: list[tuple[str, str | None]] = []
    pin_cache: dict = {}
    for pin in pin_files:
        ident = file_ident(pin)
        stored = stored_pins.get(pin)
        if ident is not None and stored is not None and stored[0] == ident:
            text = stored[1]
            pin_cache[pin] = stored
        else:
            data = read_regular(pin, PIN_MAX_BYTES) if ident is not None else None
            text = None if data is None else parse_pin(data)
            if ident is not None and data is not None:
                pin_cache[pin] = (ident, text)
        texts.append((pin, text))
    return texts, pin_cache


def resolve_pins(result: ScanResult, pin_texts: Sequence[tuple[str, str | None]],
                  install_root: Path, installed: Sequence[Installation] | None, host,
                  env: Mapping[str, str]) -> None:
    """Find the install uv would choose for each .python-version's request."""
    if not pin_texts:
        return
    if installed is None:
        from pytui.core.installed import InstallRootError, list_installed

        try:
            installed = list_installed(Path(install_root))
        except InstallRootError as err:  # the environments are still listed; no pin resolves
            result.warnings.append(f"{err}; pins are shown without an install")
            installed = []
    if host is None:
        from pytui.core.platform_detect import detect_host

        host = detect_host(env)
    choices: dict[str, tuple[str | None, str | None]] = {}
    example: list[str | None] = []  # the minor a broken pin's line names, found once
    for pin, text in pin_texts:
        if text is None:
            from pytui.core.env_files import pin_trouble

            if not example:
                # The newest installed minor (core/example_minor.py's rule); the scan has no
                # catalog for the rule's next step, so with none installed the line names none.
                from pytui.core.example_minor import newest_installed_minor

                example.append(newest_installed_minor(installed))
            result.environments.append(Environment(Path(pin), "pin", None, None, "broken",
                                                   error=pin_trouble(pin, example[0])))
            continue
        if text not in choices:
            choices[text] = pin_choice(text, installed, host)
        key, error = choices[text]
        status = "broken" if error else "ok"
        result.environments.append(Environment(Path(pin), "pin", key, None, status, request=text,
                                               error=error))

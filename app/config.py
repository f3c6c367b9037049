"""The TUI's config file (no Textual): the theme kept between runs.

`$XDG_CONFIG_HOME/pytui/config.toml` (else `~/.config/pytui/config.toml`), beside the
`scan-paths` file core/env_places.py names. pytui writes and reads a small subset of TOML, one
`name = "value"` a line with `#` comments, so it needs no TOML library on Python 3.10:

    theme = "textual-light"

The file is input like any other: at most MAX_CONFIG_BYTES of a regular file, lines that are
not `name = "value"`, unknown names and values of the wrong type are ignored, each with a
warning; the app says the first in one line and starts anyway. A theme change rewrites only
the `theme` line (comments and other lines stay) through core/atomic.write_atomic, in the file a
linked config names (the link stays).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from pytui.core.atomic import write_atomic
from pytui.core.bounded_read import describe, read_regular_file
from pytui.core.env_places import config_scan_file
from pytui.core.record import FrozenRecord

CONFIG_NAME = "config.toml"
# A config of a few lines; anything bigger is not one pytui wrote or a person would write.
MAX_CONFIG_BYTES = 16 * 1024
# Longest theme name taken (Textual's are about 20 characters).
MAX_THEME_CHARS = 64
# Names pytui knows; any other is ignored with a warning (a newer pytui may know it).
KNOWN = frozenset({"theme", "scan-max-age"})
# `scan-max-age = "10m"`: how old the last full walk of the scan roots may be for `pytui envs`
# and the TUI to show a quick scan first (core/env_quick.py); "0" always checks the whole tree.
_AGE = re.compile(r"^([0-9]{1,9})[ \t]*(s|m|min|h|d)?$")  # ASCII digits only, as uv reads numbers
_AGE_UNITS = {None: 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}

_LINE = re.compile(r'^\s*([A-Za-z0-9_-]+)\s*=\s*(.*?)\s*$')
_BASIC = re.compile(r'^"([^"\\\x00-\x1f\x7f]*)"\s*(?:#.*)?$')
_LITERAL = re.compile(r"^'([^'\x00-\x1f\x7f]*)'\s*(?:#.*)?$")


class UiConfig(FrozenRecord):
    __slots__ = ("path", "theme", "warnings", "warning_lines", "theme_line", "scan_max_age")
    path: Path
    theme: str | None
    # What was ignored, one line each ("…: line 3 is not `name = \"value\"`"), in line order.
    warnings: tuple[str, ...]
    # The line each warning is about (0: the whole file), and the line the theme was read from:
    # a theme found unknown later is reported in its line's place, not after the others.
    warning_lines: tuple[int, ...]
    theme_line: int
    # Seconds (None: the default, core/envs.QUICK_MAX_AGE).
    scan_max_age: float | None

    def __init__(self, path: Path, theme: str | None = None, warnings: tuple[str, ...] = (),
                 warning_lines: tuple[int, ...] = (), theme_line: int = 0,
                 scan_max_age: float | None = None) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "theme", theme)
        _set(self, "warnings", warnings)
        _set(self, "warning_lines", warning_lines)
        _set(self, "theme_line", theme_line)
        _set(self, "scan_max_age", scan_max_age)

    def warning_line(self, theme_problem: str = "") -> str:
        """The one line the app shows: the first problem in line order (and how many more)."""
        lines = self.warning_lines or (0,) * len(self.warnings)
        ordered = sorted(zip(lines, range(len(self.warnings)), self.warnings, strict=True))
        warnings = [warning for _line, _index, warning in ordered]
        if theme_problem:
            at = sum(1 for line, _index, _warning in ordered if line <= self.theme_line)
            warnings.insert(at, theme_problem)
        if not warnings:
            return ""
        more = len(warnings) - 1
        return warnings[0] + (f" (and {more} more)" if more else "")


def config_path(env: Mapping[str, str]) -> Path:
    return config_scan_file(env).parent / CONFIG_NAME


def parse_config(text: str, where: str) -> tuple[dict[str, str], list[str]]:
    """(values by name, warnings in line order). Only string values exist in this subset."""
    values, warnings, _lines = _parse(text, where)
    return values, [warning for _number, warning in warnings]


def _parse(text: str, where: str) -> tuple[dict[str, str], list[tuple[int, str]],
                                           dict[str, int]]:
    """(values by name, (line, warning) in line order, the line each value came from)."""
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    warnings: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            warnings.append((number, f"{where}: ignored line {number}: not `name = \"value\"`"))
            continue
        name, rest = match.groups()
        value = _BASIC.match(rest) or _LITERAL.match(rest)
        if name not in KNOWN:
            warnings.append((number, f"{where}: ignored unknown setting {name!r} on line {number}"))
        elif value is None:
            warnings.append((number, f"{where}: ignored {name} on line {number}: "
                                     "not a quoted string"))
        else:
            values[name] = value.group(1)
            lines[name] = number
    return values, warnings, lines


def read_config(env: Mapping[str, str]) -> UiConfig:
    """The config, or an empty one (with a warning when the file exists but is unusable)."""
    path = config_path(env)
    try:
        data = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return UiConfig(path)
    except OSError as err:
        return UiConfig(path, warnings=(f"{path}: ignored: {describe(err)}",))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return UiConfig(path, warnings=(f"{path}: ignored: not UTF-8 text; fix or "
                                        "delete the file",))
    values, warnings, lines = _parse(text, str(path))
    theme = values.get("theme")
    theme_line = lines.get("theme", 0)
    if theme is not None and not theme_name_ok(theme):
        warnings.append((theme_line, f"{path}: ignored theme {theme[:MAX_THEME_CHARS]!r} on "
                                     f"line {theme_line}: not a theme name"))
        warnings.sort(key=lambda item: item[0])
        theme = None
    age_text = values.get("scan-max-age")
    max_age = None if age_text is None else parse_age(age_text)
    if age_text is not None and max_age is None:
        age_line = lines.get("scan-max-age", 0)
        why = ("more than the 7-day maximum" if _AGE.match(age_text.strip()) else
               "not a duration such as \"10m\", \"600s\" or \"0\" (at most 7 days)")
        warnings.append((age_line, f"{path}: ignored scan-max-age {age_text[:40]!r} on line "
                                   f"{age_line}: {why}"))
        warnings.sort(key=lambda item: item[0])
    return UiConfig(path, theme=theme, warnings=tuple(w for _n, w in warnings),
                    warning_lines=tuple(n for n, _w in warnings), theme_line=theme_line,
                    scan_max_age=max_age)


def parse_age(text: str) -> float | None:
    """Seconds from `600`, `600s`, `10m`, `10min`, `1h`, `1d` (at most 7 days), else None."""
    from pytui.core.envs import MAX_QUICK_AGE

    match = _AGE.match(text.strip())
    if match is None:
        return None
    seconds = int(match[1]) * _AGE_UNITS[match[2]]
    return float(seconds) if seconds <= MAX_QUICK_AGE else None


def theme_name_ok(name: str) -> bool:
    return 0 < len(name) <= MAX_THEME_CHARS and all(c.isalnum() or c in "-_." for c in name)


def unknown_theme(config: UiConfig, available: Iterable[str]) -> str:
    """The warning for a theme this Textual does not have ("" when it has it)."""
    if config.theme is None or config.theme in set(available):
        return ""
    return (f"{config.path}: ignored theme {config.theme!r} on line {config.theme_line}: "
            "no such theme (Ctrl+P picks one)")


def start_theme(config: UiConfig, available: Iterable[str]) -> tuple[str | None, str]:
    """(the theme to start with or None for the default, the one warning line or ""): a
    usable theme is used even when other lines of the file were ignored."""
    unknown = unknown_theme(config, available)
    return (None if unknown else config.theme), config.warning_line(unknown)


def with_theme(text: str, theme: str) -> str:
    """`text` with its `theme = …` line(s) replaced by one for `theme`; other lines kept."""
    line = f'theme = "{theme}"'
    out: list[str] = []
    for raw in text.splitlines():
        match = _LINE.match(raw.strip())
        if match is not None and match.group(1) == "theme":
            if line:
                out.append(line)
                line = ""
            continue
        out.append(raw)
    if line:
        out.append(line)
    return "\n".join(out) + "\n"


def save_theme(path: Path, theme: str) -> None:
    """Keep `theme` in the config file, atomically. Raises OSError (the caller says it)."""
    if not theme_name_ok(theme):
        raise ValueError(f"not a theme name: {theme!r}")
    # A config kept as a link (a dotfile manager's) stays one: the file it names is rewritten
    # (or refused, in a read-only store), never the link replaced by a file of pytui's.
    path = Path(os.path.realpath(path))
    try:
        old = read_regular_file(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        old = "# pytui's settings (written by pytui when the theme changes)\n"
    except UnicodeDecodeError as err:
        # Not ours to overwrite: the user says what it is.
        raise OSError(0, "not UTF-8 text", str(path)) from err
    write_atomic(path, with_theme(old, theme).encode("utf-8"), make_parents=True)


__all__ = ["CONFIG_NAME", "MAX_CONFIG_BYTES", "UiConfig", "config_path", "parse_config",
           "read_config", "save_theme", "start_theme", "unknown_theme", "with_theme"]

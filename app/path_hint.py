"""uv's words after an install about its executables: the bin links it made (` (python3.12)`),
and the warning when the bin dir is not on `PATH`.

uv (`warn_if_not_on_path`) checks every `PATH` entry (a leading `~` expanded) for the same
directory as the bin dir, and when none is, names the directory and the command that would add
it for the user's shell: the shell's own variable first (`FISH_VERSION`, `BASH_VERSION`,
`ZSH_VERSION`, `KSH_VERSION`; Nushell has no command), else the name of `$SHELL`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from pytui.app.safe_text import shown
from pytui.app.style import PLAIN, Style

_TEXT = "`{dir}` is not on your PATH. To use installed Python executables, "


def executables_text(installation: object, *, leaving_out: Collection[str] = ()) -> str:
    """` (python3.12)`: the bin links this run made for an install, as uv lists them (the CLI's
    `+ key (python3.12)` line and the TUI's `Installed key (python3.12)`); `leaving_out` the
    names a later line of the same run says (`executables_named`)."""
    names = [name for name in executables_of(installation) if name not in leaving_out]
    return f" ({', '.join(names)})" if names else ""


def executables_of(installation: object) -> list[str]:
    """The names of the bin links this run made for an install (core/install_root)."""
    extra = getattr(installation, "extra", None) or {}
    return sorted(str(extra.get("executables", "")).split())


def executables_named(installations: Sequence[object]) -> list[str]:
    """Each change line's ` (python3.12)`, for installs in uv's change order (lowest key
    first): a name is said on the last line that made it, the install it runs once the run
    is over (two patches of a minor: the newest, where the minor-version link leads), as uv
    says it; pytui said ` + cpython-3.12.8-… (python3.12)` too when 3.12.8 was linked first."""
    said: list[str] = []
    later: set[str] = set()
    for installation in reversed(installations):
        said.append(executables_text(installation, leaving_out=later))
        later.update(executables_of(installation))
    return said[::-1]


def on_path(directory: Path, env: Mapping[str, str]) -> bool:
    home = env.get("HOME") or ""
    for entry in (env.get("PATH") or "").split(os.pathsep):
        if not entry:
            continue
        if home and (entry == "~" or entry.startswith("~/")):
            entry = home + entry[1:]
        try:
            if os.path.samefile(directory, entry):
                return True
        except OSError:  # missing or unreadable entries match nothing
            continue
    return False


def _shell(env: Mapping[str, str]) -> str | None:
    for variable, shell in (("NU_VERSION", "nu"), ("FISH_VERSION", "fish"), ("BASH_VERSION", "bash"),
                            ("ZSH_VERSION", "zsh"), ("KSH_VERSION", "ksh")):
        if env.get(variable) is not None:
            return shell
    name = Path(env.get("SHELL") or "").stem
    return name if name in {"bash", "zsh", "fish", "csh", "ksh"} else None


def _escape(text: str) -> str:
    """`text` inside a shell's double quotes, read back as written: `\\`, `"`, and `$` and a
    backquote, which uv leaves bare (a bin dir `…/b$(cmd)/bin` printed a line that ran `cmd`
    when pasted)."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
            .replace("`", "\\`"))


def prepend_command(directory: Path, env: Mapping[str, str]) -> str | None:
    """The command that puts `directory` first on `PATH` in the user's shell, as uv spells it."""
    shell, path = _shell(env), _escape(str(directory))
    if shell in {"bash", "zsh", "ksh"}:
        return f'export PATH="{path}:$PATH"'
    if shell == "fish":
        return f'fish_add_path "{path}"'
    if shell == "csh":
        return f'setenv PATH "{path}:$PATH"'
    return None


def path_warning(directory: Path, env: Mapping[str, str] | None = None,
                 style: Style = PLAIN) -> str | None:
    """uv's warning message (without `warning: `) when `directory` is not on PATH, else None.
    Painted with `style` and escaped part by part (the directory comes from the environment):
    print it with `style.warning(…, painted=True)`."""
    env = os.environ if env is None else env
    if on_path(directory, env):
        return None
    text = _TEXT.format(dir=style.cyan(shown(directory)))
    command = prepend_command(directory, env)
    if command is None:
        return text + "add the directory to your PATH."
    return text + f"run `{style.green(shown(command))}`."

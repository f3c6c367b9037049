"""The Python this pytui runs on, as `pytui uninstall` sees it.

pytui installed as a tool (`uv tool install`, `pipx install`) or into a venv made from a
managed Python runs on an install under the root. Uninstalling that install broke the
environment pytui itself runs in: `--force` removed it, the command said `breaks 4
environments (--force): …` among other paths, and the next `pytui` ended in the shell's
`cannot execute: required file not found`, with nothing left to say what happened or how to
mend it. So that one environment is refused by name, `--force` or not, with the tool's own
command that moves pytui to another Python (uv removes it all the same: its binary does not
run on it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.environment import Environment
    from pytui.core.models import Installation


def own_environment(breaking: Sequence[Environment], prefix: str | None = None) -> Environment | None:
    """The environment of `breaking` this process runs in (`sys.prefix`, a venv), or None."""
    prefix = sys.prefix if prefix is None else prefix
    try:
        own = os.stat(prefix)
    except OSError:
        return None
    for env in breaking:
        if env.kind == "pin":
            continue
        try:
            found = os.stat(env.path)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (own.st_dev, own.st_ino):
            return env
    return None


def own_python_line(env: Environment, remaining: Sequence[Installation], bin_dir: Path,
                    verdict: str = "nothing was removed, --force or not") -> str:
    """Why uninstalling the Python of `env`, the one pytui runs in, is refused, and what to do."""
    from pytui.app.safe_text import shown as safe
    from pytui.core.example_minor import newest_installed_minor

    name = safe(env.path.name)
    minor = newest_installed_minor(remaining)
    if env.kind == "uv-tool":
        what = f"uv tool {name}, {safe(env.path)}"
        move = f"`uv tool upgrade --python {minor or 'X.Y'} {name}`"
    elif env.kind == "pipx":
        what = f"pipx app {name}, {safe(env.path)}"
        move = f"`pipx reinstall --python {safe(bin_dir)}/python{minor or 'X.Y'} {name}`"
    else:
        what = f"the environment {safe(env.path)}"
        move = f"install pytui-pbs into a venv made with another Python (`uv venv -p {minor or 'X.Y'}`)"
    first = "" if minor else "install another Python (`pytui install`), then "
    return (f"uninstalling {env.key} would remove the Python this pytui runs on ({what}), and "
            f"`pytui` would not start again; {verdict} (move pytui to another Python first: "
            f"{first}{move}; `uv python uninstall {env.key}` removes it all the same)")

"""What the bin links' warnings say to do (core/root_links.py makes the links): uv's next steps
for a link name something else holds and for a bin dir that takes no link, and the lines for
a link that cannot be made or replaced."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from pytui.core.errors import FORCE, NO_BIN, Step, StepLine

# uv's next step for a bin link name something else holds (the end of its warning line); the TUI,
# which has no --force, names the command that has instead (app/job_bodies.py).
FORCE_NEXT_STEP = Step(FORCE, "use --force to replace it")
# The CLI's way round a bin dir that takes no link (the TUI names UV_PYTHON_INSTALL_BIN=0).
NO_BIN_NEXT_STEPS = (Step(NO_BIN, "or pass --no-bin"), Step(NO_BIN, "or install with --no-bin"))


def cannot_link(key: str, exe: Path, bin_dir: Path, name: str) -> tuple[StepLine, str] | None:
    """Why no link can be made at all, as (warning, skip reason), or None once the bin dir
    exists. mkdir's FileExistsError is the bin dir (or a parent) being a file: not to be read
    as the link existing ("use --force to replace it" would not help)."""
    if not os.path.exists(exe):
        return StepLine(f"no executable link for {key}: {exe} does not exist"), "missing executable"
    try:
        bin_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        why = "is not a directory"
    except OSError as err:
        why = f"cannot be made ({err.strerror})"
    else:
        return None
    return (StepLine(f"no {name} link for {key}: the bin dir {bin_dir} {why}; set UV_PYTHON_BIN_DIR "
                     "to a directory, ", NO_BIN_NEXT_STEPS[0]), f"bin dir {why}")


def unlinkable_remedy(err: OSError, link: Path) -> tuple[str, Step]:
    """What to do about a bin dir where no link can be made (`err`, from symlink), as the
    text and the step that ends it (a `StepLine`'s parts)."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free some space on the filesystem of {link.parent}, ", NO_BIN_NEXT_STEPS[1]
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"check that {link.parent} is writable, ", NO_BIN_NEXT_STEPS[1]
    return "set UV_PYTHON_BIN_DIR to another directory, ", NO_BIN_NEXT_STEPS[1]


def unreplaceable_remedy(err: OSError, link: Path) -> tuple[str, Step]:
    """What to do about a bin entry that could not be replaced by a link (`err`), as
    `unlinkable_remedy` gives it."""
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"check that {link.parent} is writable, ", NO_BIN_NEXT_STEPS[1]
    return "remove it and install again, ", NO_BIN_NEXT_STEPS[1]

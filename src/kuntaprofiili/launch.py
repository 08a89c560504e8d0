"""The entry point of the ``kuntaprofiili`` command: the CLI, started without needless GC passes.

Importing the CLI makes some 35,000 objects (modules, classes, Typer's command tree) that
live until the process ends. Python's cyclic garbage collector walks them over and over
while they are being made, and once more as the interpreter exits, and finds no garbage:
on a 200 ms start to the first question that was about 30 ms. So the collector is paused
while the CLI is imported, what then exists is frozen (moved where the collector never
looks; none of it would be freed before exit anyway), and the collector runs as usual for
the command's own work, so that a batch of a million rows keeps its memory in check. When
the command ends, however it ends, what exists is frozen again, so that the interpreter's
final pass does not walk everything just before the process lets go of it all. Files are
not left to that pass: every output is written and closed by the code that opens it.
"""

from __future__ import annotations

import gc


def main() -> None:
    """Run the CLI (``kuntaprofiili.cli.main`` without the start-up and exit passes)."""
    gc.disable()
    try:
        from kuntaprofiili.cli import app
    finally:
        gc.freeze()
        gc.enable()
    try:
        app()
    finally:
        gc.freeze()

"""Markdown tables the whole-URLconf walks write for the issue's closing note (AXE_REPORT, WEIGHT_REPORT).

The walks collect their figures anyway; writing them out is opt-in, so a CI run costs nothing more.
"""

import os
from collections.abc import Iterable, Sequence
from pathlib import Path


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_report(variable: str, sections: Sequence[tuple[str, str]]) -> Path | None:
    """Write (heading, body) sections to the file named by the environment variable, if it is set."""
    target = os.environ.get(variable)
    if not target:
        return None
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(f"## {heading}\n\n{body}" for heading, body in sections), encoding="utf-8")
    return path

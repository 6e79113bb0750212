"""No function over 60 lines without a comment or docstring saying why it is long (issue 10's rule)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "aspirasi", "audiensi", "sarasehan", "skm", "akuntabilitas", "dasbor", "datapribadi")
LIMIT = 60
REASON = re.compile(r"(?i)\blong\b|over 60 lines")


def long_functions_without_a_reason() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text().splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if node.end_lineno - node.lineno + 1 <= LIMIT:
                    continue
                first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                # The reason may stand in the comment lines just above the function, or anywhere in it.
                above = "\n".join(lines[max(first - 4, 0) : first - 1])
                if not REASON.search(above + "\n".join(lines[node.lineno - 1 : node.end_lineno])):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_every_function_over_sixty_lines_says_why():
    assert long_functions_without_a_reason() == []

"""Every signed link in the portal expires: each signature check in the code passes a max_age."""

import ast
from pathlib import Path

from django.conf import settings

SKIP = {".venv", "tests", "migrations", "staticfiles", "node_modules"}


def signature_checks() -> list[tuple[str, int, bool]]:
    """(file, line, has max_age) for every signing.loads(...) and Signer.unsign(...) call in the project."""
    found = []
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if SKIP & set(path.relative_to(settings.BASE_DIR).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            func = node.func
            is_loads = func.attr == "loads" and isinstance(func.value, ast.Name) and func.value.id == "signing"
            if is_loads or func.attr in ("unsign", "unsign_object"):
                has_max_age = any(k.arg == "max_age" for k in node.keywords)
                found.append((str(path.relative_to(settings.BASE_DIR)), node.lineno, has_max_age))
    return found


def test_every_signed_link_is_checked_with_a_max_age():
    checks = signature_checks()
    # aspirasi confirmation, audiensi resident links, sarasehan registration links.
    assert {path for path, _line, _ok in checks} >= {
        "aspirasi/services.py",
        "audiensi/services/links.py",
        "sarasehan/selectors.py",
    }
    assert [(path, line) for path, line, ok in checks if not ok] == []

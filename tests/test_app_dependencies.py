"""Dependencies point one way: the foundation apps import nothing built on them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOUNDATION = ("portal.akun", "portal.wilayah", "portal.audit")
BUILT_ON_THEM = (
    "portal.kasus",
    "portal.ikuti",
    "portal.demo",
    "aspirasi",
    "audiensi",
    "sarasehan",
    "skm",
    "akuntabilitas",
    "dasbor",
    "datapribadi",
)


def imported_modules(package: str) -> set[tuple[str, str]]:
    """(file, module) for every absolute import in a package, those inside functions too; migrations excluded."""
    found = set()
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {(str(path.relative_to(ROOT)), alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((str(path.relative_to(ROOT)), node.module))
    return found


@pytest.mark.parametrize("package", FOUNDATION)
def test_a_foundation_app_imports_no_app_built_on_it(package):
    upward = sorted(
        (path, module)
        for path, module in imported_modules(package)
        if any(module == app or module.startswith(app + ".") for app in BUILT_ON_THEM)
    )
    assert upward == []


FEATURE_APPS = ("aspirasi", "audiensi", "sarasehan")


def _runtime_imports(package: str) -> set[tuple[str, str]]:
    """Like imported_modules, leaving out imports under `if TYPE_CHECKING:` (annotations only)."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
                found |= {(str(path.relative_to(ROOT)), name) for name in names}
            elif isinstance(node, ast.Import):
                found |= {(str(path.relative_to(ROOT)), alias.name) for alias in node.names}
    return found


@pytest.mark.parametrize("package", FEATURE_APPS)
def test_a_feature_app_reaches_another_only_through_its_services_or_selectors(package):
    others = [app for app in FEATURE_APPS if app != package]
    reached = sorted(
        (path, name)
        for path, name in _runtime_imports(package)
        for app in others
        if name.startswith(app + ".") and name.split(".")[1] not in ("services", "selectors")
    )
    assert reached == []


PORTAL_APPS = ("portal.akun", "portal.wilayah", "portal.audit", "portal.kasus", "portal.ikuti", "portal.demo")
BUILT_ON_PORTAL = ("aspirasi", "audiensi", "sarasehan", "skm", "akuntabilitas", "dasbor", "datapribadi")


@pytest.mark.parametrize("package", PORTAL_APPS)
def test_a_portal_app_imports_no_feature_app(package):
    # Feature apps plug in through registries (kinds, panels, reported cases) in their AppConfig.ready.
    upward = sorted(
        (path, module)
        for path, module in imported_modules(package)
        if any(module == app or module.startswith(app + ".") for app in BUILT_ON_PORTAL)
    )
    assert upward == []


def test_the_case_core_does_not_import_following():
    # portal.ikuti is built on portal.kasus; the signed links both use live in portal.tokens.
    assert sorted((path, m) for path, m in imported_modules("portal.kasus") if m.startswith("portal.ikuti")) == []

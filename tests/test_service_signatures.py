"""Every service that acts for someone names them: `actor` is a required keyword, never defaulted away.

Private helpers inside a service module may pass the actor on positionally."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "aspirasi", "audiensi", "sarasehan", "skm", "akuntabilitas", "dasbor", "datapribadi")


def service_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and (path.name == "services.py" or "services" in path.parent.parts)
    )


def test_every_service_taking_an_actor_takes_it_as_a_required_keyword():
    modules = service_modules()
    assert len(modules) > 10
    loose = []
    for path in modules:
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            positional = [a.arg for a in node.args.posonlyargs + node.args.args]
            defaults = dict(zip((a.arg for a in node.args.kwonlyargs), node.args.kw_defaults, strict=True))
            # kw_defaults holds None for a keyword-only argument without a default.
            if "actor" in positional or defaults.get("actor") is not None:
                loose.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert loose == []

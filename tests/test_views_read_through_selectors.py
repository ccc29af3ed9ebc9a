"""Views read through selectors. A view module may name only the rows it looks up or serves:

- the base query of the object its URL names, scoped by the one access rule
  (`access_in_commune(Model.objects..., commune, pk)`) or Django's `get_object_or_404`;
- the rows an API resource lists (`get_queryset`, `scoped_queryset`);
- an empty `.none()` placeholder of a form field or a DRF class.

Every other read (what a page shows, a lookup by a body's id, a form's choices) is a function of
the app's `selectors.py`, where it has one home and a name that says what it reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOKUPS = {"access_in_commune", "get_object_or_404"}
SERVES = {"get_queryset", "scoped_queryset"}


def _view_modules(root: Path = ROOT) -> list[Path]:
    skip = {".venv", ".tools", "tests", "node_modules"}
    return sorted(
        path
        for path in root.rglob("*.py")
        if not skip & set(path.relative_to(root).parts)
        and (
            path.name == "views.py"
            or path.name.endswith("_views.py")
            or path.parent.name == "views"
        )
    )


def _allowed(tree: ast.AST) -> set[int]:
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in LOOKUPS:
                allowed |= {id(inner) for inner in ast.walk(node.args[0])}
        if isinstance(node, ast.FunctionDef) and node.name in SERVES:
            allowed |= {id(inner) for inner in ast.walk(node)}
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "none"
        ):
            allowed |= {id(inner) for inner in ast.walk(node.func.value)}
    return allowed


def queries_in_views(root: Path = ROOT) -> list[str]:
    found = []
    for path in _view_modules(root):
        tree = ast.parse(path.read_text(), filename=str(path))
        allowed = _allowed(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and id(node) not in allowed
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return sorted(found)


def test_view_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in _view_modules()}
    assert {"reporting/views.py", "reporting/plan_views.py", "api/views/reporting.py"} <= names


def test_views_query_only_what_they_look_up_or_serve():
    assert queries_in_views() == []


def test_a_query_in_a_view_body_is_found(tmp_path):
    """The check itself: a read in a view's body is caught, the scoped lookup is not."""
    views = tmp_path / "things" / "views.py"
    views.parent.mkdir()
    views.write_text(
        "def get(request, pk):\n"
        "    thing = access_in_commune(Thing.objects.all(), commune, pk)\n"
        "    others = list(Thing.objects.filter(commune=commune))\n"
        "    return thing, others\n"
    )
    assert queries_in_views(tmp_path) == ["things/views.py:3"]

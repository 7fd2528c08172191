"""app/core is the bottom layer: it imports nothing of the packages above it (issue 19).

Every ``import`` and ``from ... import`` of every module in app/core is read with ``ast``:
at the top, inside functions, under ``if TYPE_CHECKING:``. Each one that names the
``app`` package must name ``app.core`` (or a module under it), ``app.extensions`` or
``app.config``. What core needs from above (the navigation links and the permission
check, the label dictionaries, the API's error response, the CLI commands that need
accounts) is handed to it by the application factory, ``app/__init__.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "app" / "core"
ALLOWED = ("app.core", "app.extensions", "app.config")


def _allowed(name: str) -> bool:
    return any(name == base or name.startswith(base + ".") for base in ALLOWED)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(path: Path) -> list[tuple[int, str, str]]:
    """(line, what the module imports from the ``app`` package, the statement)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the module's own package
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            statement = f"from {'.' * node.level}{node.module or ''} import " + ", ".join(
                alias.name for alias in node.names
            )
            if source == "app":
                # ``from app import X``: app/__init__.py (the factory) or app.X.
                for alias in node.names:
                    found.append((node.lineno, f"app.{alias.name}", statement))
            else:
                found.append((node.lineno, source, statement))
    return [item for item in found if item[1] == "app" or item[1].startswith("app.")]


def _core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_modules_are_found() -> None:
    names = {path.name for path in _core_modules()}
    assert {"__init__.py", "errorpages.py", "navigation.py", "templating.py"} <= names


def test_core_imports_nothing_above_it() -> None:
    offending = [
        f"{_module_name(path)} (line {line}): {statement}  [imports {name}]"
        for path in _core_modules()
        for line, name, statement in _imported(path)
        if not _allowed(name)
    ]
    assert not offending, (
        "app/core may import only app.core.*, app.extensions and app.config; "
        "the factory (app/__init__.py) hands it the rest:\n  " + "\n  ".join(offending)
    )


def test_base_layer_imports_nothing_above_it() -> None:
    """app.extensions and app.config, which core may import, import no other app module."""
    offending = [
        f"{_module_name(path)} (line {line}): {statement}  [imports {name}]"
        for path in (ROOT / "app" / "extensions.py", ROOT / "app" / "config.py")
        for line, name, statement in _imported(path)
        if name not in ("app.extensions", "app.config")
    ]
    assert not offending, "\n  ".join(["the base layer imports upwards:", *offending])


def test_core_imports_no_module_by_name() -> None:
    """No ``importlib.import_module``/``__import__`` in core: a module name in a string
    (``f"{package}.nav"``) would reach the packages above it past the check above."""
    calls = []
    for path in _core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("import_module", "__import__"):
                    calls.append(f"{_module_name(path)} (line {node.lineno}): {name}(...)")
    assert not calls, "app/core imports modules by name:\n  " + "\n  ".join(calls)

"""The programmes in force for this application, read once at start-up.

A bad programme file stops create_app() with "file, ligne N : fault" (see loader.py).
``PROGRAMMES_DIR`` in the configuration points to another directory (tests, instances
with their own programmes).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from app.eligibility.loader import PROGRAMMES_DIR, load_directory
from app.eligibility.programme import Programme

_KEY = "ordilien.programmes"


def load_into(app: Flask) -> None:
    directory = Path(app.config.get("PROGRAMMES_DIR") or PROGRAMMES_DIR)
    app.extensions[_KEY] = load_directory(directory)


def programmes() -> tuple[Programme, ...]:
    return current_app.extensions[_KEY]  # type: ignore[no-any-return]


def find(code: str) -> Programme | None:
    return next((p for p in programmes() if p.code == code), None)

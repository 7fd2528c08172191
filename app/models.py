"""Imports every domain's models so that metadata (and Flask-Migrate) sees them all."""

import importlib
import importlib.util

from app import DOMAINS

for _package in DOMAINS:
    if importlib.util.find_spec(f"{_package}.models") is not None:
        importlib.import_module(f"{_package}.models")

#!/usr/bin/env bash
# Extract French source strings and update the English catalogue.
# Then: .venv/bin/python scripts/i18n_fill.py app/translations/en/LC_MESSAGES/messages.po new.json
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -q -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot . 2>/dev/null \
  || .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot . >/dev/null
.venv/bin/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching >/dev/null
.venv/bin/python scripts/i18n_fill.py app/translations/en/LC_MESSAGES/messages.po

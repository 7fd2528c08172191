"""The journal's entries about programmes, in the reader's language. Pure module.

The journal keeps an action code (``programme.publish``...) and data (code, version,
the keys that changed); these put them into words when the journal is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.marking import N_
from app.eligibility.explain import FRENCH, Speaker

KEY_LABELS: dict[str, str] = {
    "code": N_("code"),
    "name": N_("nom"),
    "summary": N_("résumé"),
    "territory": N_("territoire"),
    "priority": N_("ordre d'affichage"),
    "device_types": N_("types d'appareil"),
    "valid_from": N_("début"),
    "valid_to": N_("fin"),
    "campaign_months": N_("durée de la campagne"),
    "source": N_("source"),
    "parameters": N_("paramètres"),
    "conditions": N_("conditions"),
    "envelope": N_("enveloppe"),
    "outcome": N_("ce que le foyer reçoit"),
}

TEMPLATES: dict[str, str] = {
    "programme.ship": N_("Programme « %(code)s » livré avec Ordilien (version %(version)s)."),
    "programme.create": N_("Programme « %(code)s » créé, en brouillon."),
    "programme.update_draft": N_("Brouillon de « %(code)s » modifié : %(changed)s."),
    "programme.new_draft": N_(
        "Nouveau brouillon de « %(code)s », copié de la version %(copied_from)s."
    ),
    "programme.discard_draft": N_("Brouillon de « %(code)s » supprimé."),
    "programme.publish": N_(
        "Version %(version)s de « %(code)s » publiée, en vigueur à partir du %(day)s ; "
        "changé : %(changed)s."
    ),
    "programme.end": N_("« %(code)s » prend fin après le %(last_day)s (version %(version)s)."),
    "programme.import": N_("Programme « %(code)s » importé : %(changed)s."),
}


def changed_words(changed: Any, s: Speaker) -> str:
    words = []
    for key in changed or ():
        head, _, rest = str(key).partition(".")
        label = s.gettext(KEY_LABELS.get(head, head))
        words.append(f"{label} ({rest})" if rest else label)
    return ", ".join(words) if words else s.gettext(N_("rien"))


def entry_text(action: str, detail: Mapping[str, Any] | None, s: Speaker = FRENCH) -> str | None:
    """One journal entry about a programme in words; None when it is not one."""
    template = TEMPLATES.get(action)
    if template is None:
        return None
    d = dict(detail or {})
    values = {
        "code": d.get("code", ""),
        "version": d.get("version") or "—",
        "copied_from": d.get("copied_from") or "—",
        "changed": changed_words(d.get("changed"), s),
        "day": _day(d.get("effective_from"), s),
        "last_day": _day(d.get("last_day"), s),
    }
    return s.gettext(template) % values


def _day(value: Any, s: Speaker) -> str:
    from datetime import date

    if not value:
        return "—"
    try:
        return s.day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)

"""Eligibility decisions in the page's language: the web side of ``explain.py``.

Decisions (live ones and those kept on prescriptions) are codes and data; these helpers
put them into words through Flask-Babel when a page, a PDF, an e-mail or the API shows
them, in the request's language (or the one forced with ``force_locale``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Flask, has_request_context
from flask_babel import format_date, get_locale

from app.core.i18n import page_translations
from app.eligibility import explain
from app.eligibility.explain import FRENCH, Speaker


class BabelSpeaker:
    """Flask-Babel's catalogue of the request (or of ``force_locale``)."""

    def __init__(self) -> None:
        self._translations = page_translations()
        locale = get_locale()
        self._french = locale is None or locale.language == "fr"

    def gettext(self, text: str) -> str:
        return str(self._translations.ugettext(text))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = str(self._translations.ungettext(singular, plural, n))
        if text in (singular, plural):
            # explain.py marks each form with N_: the catalogue holds them as two msgids.
            return str(self._translations.ugettext(singular if n == 1 else plural))
        return text

    def day(self, value: date) -> str:
        if self._french:
            return f"{value:%d/%m/%Y}"
        return str(format_date(value, "d MMM yyyy"))


def speaker() -> Speaker:
    """The reader's language: the request's, else French (command line, cron)."""
    if has_request_context():
        return BabelSpeaker()
    try:
        return BabelSpeaker()  # inside force_locale in an app context
    except RuntimeError:
        return FRENCH


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def condition_text(c: Any, s: Speaker | None = None) -> str:
    """A condition's sentence, from a live result or a stored one (legacy sentences too)."""
    s = s or speaker()
    code = _get(c, "code")
    if not code:
        return str(_get(c, "sentence", ""))
    return explain.say(code, _get(c, "args") or {}, s)


def parameter_text(p: Any, s: Speaker | None = None) -> str:
    s = s or speaker()
    if not isinstance(p, Mapping):
        p = p.as_dict()
    return explain.parameter_sentence(p, s)


def decision_dict(d: Any) -> Mapping[str, Any]:
    return d if isinstance(d, Mapping) else d.as_dict()


def reason_text(d: Any, s: Speaker | None = None) -> str:
    """A decision's one sentence (live or stored)."""
    s = s or speaker()
    stored = decision_dict(d)
    if "conditions" not in stored and stored.get("reason"):
        return str(stored["reason"])
    return explain.reason(stored, s)


def phrases_text(items: Any, s: Speaker | None = None) -> list[str]:
    """What is missing or to confirm, each in words (codes, or sentences kept as such)."""
    s = s or speaker()
    out = []
    for item in items or ():
        if isinstance(item, tuple):
            out.append(explain.say(item[0], item[1], s))
        elif isinstance(item, Mapping):
            out.append(explain.say(str(item.get("code")), item.get("args") or {}, s))
        else:
            out.append(str(item))
    return out


def outcome_text(outcome: Any, need: Any = None, s: Speaker | None = None) -> str:
    """What the household gets, from a live Outcome or a stored outcome dict."""
    if not outcome:
        return ""
    s = s or speaker()
    stored = outcome if isinstance(outcome, Mapping) else outcome.as_dict()
    if not stored.get("kind"):
        return str(stored.get("sentence", ""))
    device = getattr(need, "value", need)
    return explain.outcome_sentence(stored, s, device)


def rule_text(condition: Any, programme: Any = None, on: date | None = None) -> str:
    """A programme's rule for its page, with the values in force ``on``."""
    from app.eligibility.programme import Resolver

    params = Resolver(programme.parameters, on) if programme is not None and on else None
    code, args = condition.describe(params)
    return explain.say(code, args, speaker())


def envelope_rule_text(programme: Any, on: date) -> str:
    """The programme's envelope (limits that day) for its page; '' when it has none."""
    from app.eligibility.engine import envelope_limits
    from app.eligibility.programme import MissingParameter

    try:
        limits = envelope_limits(programme, on)
    except MissingParameter:
        return ""
    if limits is None:
        return ""
    return explain.say(
        "rule.envelope",
        {
            "max_grants": limits.max_grants,
            "max_eur": limits.max_eur,
            "grant_eur": limits.grant_eur,
            "per": limits.per,
        },
        speaker(),
    )


def eligibility_text(value: Any) -> str:
    code = getattr(value, "value", value)
    return speaker().gettext(explain.ELIGIBILITY_WORDS.get(str(code), str(code)))


def render_decision(d: Any, s: Speaker | None = None) -> dict[str, Any]:
    """A decision as the API sends it: its codes and data, and their words in ``s``."""
    s = s or speaker()
    stored = dict(decision_dict(d))
    stored["label"] = s.gettext(explain.ELIGIBILITY_WORDS.get(stored.get("eligibility", ""), ""))
    stored["reason"] = reason_text(stored, s)
    stored["conditions"] = [
        {
            **c,
            "sentence": condition_text(c, s),
            "parameters": [
                {**p, "sentence": parameter_text(p, s)} for p in c.get("parameters") or ()
            ],
        }
        for c in stored.get("conditions") or ()
    ]
    stored["missing_text"] = phrases_text(stored.get("missing"), s)
    stored["to_confirm_text"] = phrases_text(stored.get("to_confirm"), s)
    if stored.get("outcome"):
        stored["outcome"] = {
            **stored["outcome"],
            "sentence": outcome_text(stored["outcome"], None, s),
        }
    return stored


def say_phrase(code: str, args: Mapping[str, Any] | None = None) -> str:
    return explain.say(code, args or {}, speaker())


def journal_text(entry: Any) -> str | None:
    """A journal entry about a programme in the reader's words (None for other entries)."""
    from app.eligibility.journal_words import entry_text

    return entry_text(str(entry.action), entry.detail, speaker())


def standard_text(text: str) -> str:
    """A label the editor writes (e.g. "Prix de vente") in the reader's language; words
    an owner typed themselves are not in the catalogue and stay as written."""
    return speaker().gettext(text) if text else ""


def outcome_field_text(name: str) -> str:
    """'price_eur' -> 'Prix (€)', in the reader's language."""
    return speaker().gettext(explain.OUTCOME_FIELD_LABELS.get(name, name))


def day_text(value: Any) -> str:
    """A day (a date or AAAA-MM-JJ) as the reader writes it."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return speaker().day(day)


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        outcome_field_text=outcome_field_text,
        day_text=day_text,
        standard_text=standard_text,
        journal_text=journal_text,
        say_phrase=say_phrase,
        condition_text=condition_text,
        parameter_text=parameter_text,
        reason_text=reason_text,
        phrases_text=phrases_text,
        outcome_text=outcome_text,
        rule_text=rule_text,
        envelope_rule_text=envelope_rule_text,
        eligibility_text=eligibility_text,
    )

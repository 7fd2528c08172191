"""Language choice: the user's choice in the session, else French (also outside requests:
cron jobs and the CLI write French messages)."""

from __future__ import annotations

from typing import Any

import flask_babel
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup


def select_locale() -> str:
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if not has_request_context():
        return default
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return str(lang)
    if request.path.startswith("/api/"):
        # API clients have no session: they say which language they read.
        best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
        if best:
            return str(best)
    return default


def reader_locale(code: str | None) -> str:
    """The language to write a reader's messages in (a household's SMS, its page):
    ``code`` when the app speaks it (LANGUAGES), else the default (French)."""
    if not has_app_context():
        return code if code in ("fr", "en") else "fr"
    if code in current_app.config["LANGUAGES"]:
        return str(code)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def language_names() -> dict[str, str]:
    """The app's LANGUAGES, each named in itself ("Français", "English"): what a reader
    recognises whatever the page's language."""
    from babel import Locale

    codes = current_app.config["LANGUAGES"] if has_app_context() else ["fr", "en"]
    names = {}
    for code in codes:
        name = Locale.parse(code).get_display_name(code) or code
        names[str(code)] = name[:1].upper() + name[1:]
    return names


def select_timezone() -> str:
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def current_gettext(text: str) -> str:
    """flask_babel's gettext in the language ``force_locale`` chose, with or without a
    request (a household's messages from a page or from cron); the ``Gettext`` the pure
    message modules take."""
    return str(flask_babel.gettext(text))


def translate(text: str, **values: Any) -> str:
    """gettext for services also run from the command line: in a request, the page's
    language; outside one, the French source text (no session to choose from)."""
    if has_request_context():
        return page_gettext(text, **values)
    return text % values if values else text


def page_translations() -> NullTranslations:
    """flask_babel's translations for this request, looked up once per request.

    flask_babel walks its context three times per string (about 19 µs here); a device
    page has 45 strings. The cache sits in flask_babel's own per-request namespace and
    is keyed on the locale object, so force_locale (French messages sent to households
    from an English page) and refresh() are still obeyed.
    """
    namespace = g.get("_flask_babel")
    if namespace is not None:
        cached = namespace.__dict__.get("ordilien_translations")
        if cached is not None and cached[0] is namespace.__dict__.get("babel_locale"):
            return cached[1]  # type: ignore[no-any-return]
    translations = flask_babel.get_translations()
    namespace = g.get("_flask_babel")
    if namespace is not None:
        namespace.ordilien_translations = (namespace.__dict__.get("babel_locale"), translations)
    return translations


def page_gettext(string: str, **variables: Any) -> str:
    """flask_babel's gettext through page_translations: same text, for helpers that
    templates call many times per page (state, type and grade names)."""
    text: str = page_translations().ugettext(string)
    return text % variables if variables else text


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    # Jinja's "newstyle" gettext, in one call instead of three: escaped in HTML
    # templates, always %-formatted (so "%%" is a literal %), variables escaped.
    text: str = page_translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (our own catalogue, as Jinja itself does)
    # Formatting a Markup escapes its values even when there are none (about 2 µs; a
    # device page has 50 strings): skipped when there is nothing to format.
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text: str = page_translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (our own catalogue, as Jinja itself does)
    return text % variables


def install_template_gettext(app: Flask) -> None:
    """Templates' _(), gettext and ngettext (and {% trans %}) through page_translations.

    Same strings and escaping as the callables flask_babel installs; pgettext and
    npgettext, unused here, stay flask_babel's.
    """
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )

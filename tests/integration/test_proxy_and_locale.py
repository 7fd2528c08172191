"""Behind a reverse proxy the visitor's address is used; gettext works outside requests."""

from __future__ import annotations

from flask_babel import gettext

from app.accounts.models import LoginAttempt
from app.extensions import db


def test_forwarded_address_is_used_behind_one_proxy(new_app) -> None:  # type: ignore[no-untyped-def]
    app = new_app(PROXY_COUNT=1)
    app.test_client().post(
        "/connexion",
        data={"email": "x@y.fr", "password": "whatever-123"},
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert db.session.query(LoginAttempt.ip).one()[0] == "203.0.113.7"


def test_forwarded_address_is_ignored_without_a_proxy(client) -> None:  # type: ignore[no-untyped-def]
    client.post(
        "/connexion",
        data={"email": "x@y.fr", "password": "whatever-123"},
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert db.session.query(LoginAttempt.ip).one()[0] == "127.0.0.1"


def test_gettext_outside_a_request_is_french(app) -> None:  # type: ignore[no-untyped-def]
    assert gettext("Accès refusé") == "Accès refusé"


def test_template_strings_follow_the_page_language_and_forced_locales(app) -> None:  # type: ignore[no-untyped-def]
    from flask import render_template_string, session
    from flask_babel import force_locale, refresh

    source = (
        "{{ _('Appareil') }}|{{ _('Lot n° %(id)s', id='<b>') }}|"
        "{{ ngettext('%(num)s vente', '%(num)s ventes', 2) }}|{% trans %}Appareil{% endtrans %}"
    )
    with app.test_request_context("/"):
        session["lang"] = "en"
        refresh()  # the test's app context outlives the request: forget its locale
        assert render_template_string(source) == "Device|Batch no. &lt;b&gt;|2 sales|Device"
        # A message sent to a household from an English page is written in French ...
        with force_locale("fr"):
            assert render_template_string("{{ _('Appareil') }}") == "Appareil"
        # ... and the page goes on in English.
        assert render_template_string("{{ _('Appareil') }}") == "Device"
        session["lang"] = "fr"
        refresh()
        assert render_template_string(source) == "Appareil|Lot n° &lt;b&gt;|2 ventes|Appareil"

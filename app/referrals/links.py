"""The answer link of a structure without an account: signed, expiring, renewable.

The token signs (with SECRET_KEY) the referral's id and a nonce kept on the referral; a
renewal draws a new nonce, so the old link stops working. It lives as long as the
referral waits (REFERRAL_EXPIRE_DAYS).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.audit.services import record
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.core.i18n import translate as _
from app.extensions import db
from app.referrals import messages
from app.referrals.lifecycle import ReferralState, Timing
from app.referrals.models import Referral


def timing() -> Timing:
    config = current_app.config
    return Timing(
        remind_days=int(config.get("REFERRAL_REMIND_DAYS", 10)),
        expire_days=int(config.get("REFERRAL_EXPIRE_DAYS", 30)),
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="referral-answer")


def new_link(referral: Referral, now: datetime) -> None:
    referral.link_nonce = secrets.token_hex(16)
    referral.link_expires_at = timing().link_expires_at(now)


def make_token(referral: Referral) -> str:
    return str(_serializer().dumps([referral.id, referral.link_nonce]))


class LinkProblem(DomainError):
    """Why a link cannot be used, in plain words (``field``: forged, replaced, expired, used)."""


def referral_from_token(token: str, now: datetime | None = None) -> Referral:
    """The referral a link answers, or LinkProblem saying why not."""
    try:
        referral_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkProblem(_("Ce lien n'est pas valide. Vérifiez qu'il est complet, ou "
                            "demandez un nouveau lien à la structure qui a orienté la "
                            "personne."), "forged") from None  # fmt: skip
    referral = db.session.get(Referral, int(referral_id)) if isinstance(referral_id, int) else None
    if referral is None or referral.revoked_at is not None or not referral.external:
        raise LinkProblem(_("Ce lien ne fonctionne plus."), "forged")
    if not secrets.compare_digest(str(nonce), referral.link_nonce):
        raise LinkProblem(_("Ce lien a été remplacé par un plus récent : utilisez le dernier "
                            "message reçu."), "replaced")  # fmt: skip
    if referral.state in (ReferralState.ACCEPTED, ReferralState.REFUSED, ReferralState.DONE):
        return referral  # the page says what was answered (and offers "done" when accepted)
    now = now or utcnow()
    if referral.state is ReferralState.EXPIRED or (
        referral.link_expires_at is not None and now >= referral.link_expires_at
    ):
        raise LinkProblem(_("Ce lien a expiré le %(d)s. Demandez un nouveau lien à %(org)s.",
                            d=messages._day(referral.link_expires_at),
                            org=referral.from_organisation.name), "expired")  # fmt: skip
    return referral


def journal_link_read(referral: Referral) -> None:
    """The person's details were shown through the answer link: journalled like a read."""
    record("household.read", "referral", referral.id, detail={
        "household": referral.household_id, "via": "link"},
        organisation_id=referral.from_organisation_id)  # fmt: skip
    db.session.commit()

"""The dashboard's referral figure: counts by need and outcome, for the period and scope."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.core.i18n import translate
from app.extensions import db
from app.referrals.lifecycle import NEED_LABELS, Need, ReferralState
from app.referrals.models import Referral
from app.reports.tables import ChartKind, Figure, Table, fr_number

OUTCOMES = (
    ReferralState.OPEN,
    ReferralState.ACCEPTED,
    ReferralState.DONE,
    ReferralState.REFUSED,
    ReferralState.EXPIRED,
)


def counts(filters: Any) -> dict[tuple[Need, ReferralState], int]:
    """Referrals sent in the period by (need, state now), sent or received in the scope."""
    query = (
        select(Referral.need, Referral.state, func.count())
        .where(
            Referral.sent_at >= filters.period.start_at,
            Referral.sent_at < filters.period.end_before,
        )
        .group_by(Referral.need, Referral.state)
    )
    if filters.scope.org_ids is not None:
        query = query.where(
            or_(
                Referral.from_organisation_id.in_(filters.scope.org_ids),
                Referral.to_organisation_id.in_(filters.scope.org_ids),
            )
        )
    return {(need, state): int(n) for need, state, n in db.session.execute(query)}


def referral_figure(filters: Any) -> Figure:
    found = counts(filters)
    rows = [
        [
            translate(NEED_LABELS[need]),
            sum(found.get((need, s), 0) for s in OUTCOMES),
            *(found.get((need, s), 0) for s in OUTCOMES),
        ]
        for need in Need
    ]
    table = Table(
        [_("Besoin"), _("Orientations"), _("En attente"), _("Acceptées"), _("Réalisées"),
         _("Refusées"), _("Expirées sans réponse")],
        rows,
    )  # fmt: skip
    return Figure(
        key="orientations",
        title=_("Orientations entre structures"),
        table=table,
        chart=ChartKind.BARS,
        highlights=[
            (_("Orientations"), fr_number(table.total(1))),
            (_("Réalisées"), fr_number(table.total(4))),
        ],
        note=_("Envoyées pendant la période, par besoin et selon leur état aujourd'hui."),
    )

"""Sales and free handovers: the list and a sale's page (URLs under /ventes)."""

from __future__ import annotations

from flask import render_template, request

from app.audit.services import record
from app.auth.forms import EmptyForm
from app.authz.guards import permission_required
from app.core.converters import year_number
from app.extensions import db
from app.family.links import family_link
from app.loans import printing
from app.loans import terms as rules
from app.loans.counter import device_kind
from app.loans.queries import list_sales
from app.loans.web import H, bp, my_org, own_sale


@bp.get("/ventes")
@permission_required(H)
def sales() -> str:
    year = year_number(request.args.get("annee"))
    return render_template(
        "loans/sales.html",
        rows=list_sales(my_org(), year),
        year=year,
        format_eur=rules.format_eur,
        payment_label=printing.payment_label,
    )


@bp.get("/ventes/<int:sale_id>")
@permission_required(H)
def sale_detail(sale_id: int) -> str:
    sale = own_sale(sale_id)
    record("sale.view", "sale", sale.id, organisation_id=sale.organisation_id)
    db.session.commit()
    return render_template(
        "loans/sale_detail.html",
        sale=sale,
        format_eur=rules.format_eur,
        payment_label=printing.payment_label,
        accessories=printing.accessory_labels(sale.accessories),
        device_kind=device_kind(sale.device),
        post_form=EmptyForm(),
        family_link=family_link(sale.household),
    )

"""The ``loans`` blueprint, gathered from its journeys: the counter (counter_routes.py),
loans and returns (loan_routes.py), sales (sale_routes.py), the printed documents
(document_routes.py) and the family side (app/family/routes.py). Each defines its views
on the one blueprint of app/loans/web.py, so every endpoint keeps its ``loans.`` name."""

from __future__ import annotations

from app.family import routes as family_routes
from app.loans import counter_routes, document_routes, loan_routes, sale_routes
from app.loans.web import bp

JOURNEYS = (counter_routes, loan_routes, sale_routes, document_routes, family_routes)

__all__ = ["JOURNEYS", "bp"]

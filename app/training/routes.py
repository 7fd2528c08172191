"""The ``training`` blueprint, gathered from its journeys: the catalogue and the sessions
(session_routes.py), bookings, the diagnostic and suggestions (booking_routes.py), the
trainer's place and courses (place_routes.py), calendar subscriptions (feed_routes.py,
``training.feeds.*``). Each defines its views on the one blueprint of
app/training/web.py, so every endpoint keeps its ``training.`` name."""

from __future__ import annotations

from app.training import booking_routes, place_routes, session_routes
from app.training.web import bp

JOURNEYS = (session_routes, booking_routes, place_routes)

__all__ = ["JOURNEYS", "bp"]

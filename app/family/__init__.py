"""The family side: the household's own page (``/f/<token>``), its link and the rate limit
that guards it. The views sit on the ``loans`` blueprint (their endpoints are
``loans.family_*``), registered by app/loans/routes.py."""

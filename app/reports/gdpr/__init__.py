"""Households' personal data (GDPR): anonymise.py (what is removed, and where),
erasure.py (the retention purge, erasure on request), subject_access.py (journal and export)."""

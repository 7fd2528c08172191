"""Shared document helpers: QR codes and PDF building blocks (labels, certificates, loan
sheets, receipts)."""

"""Email through SMTP (production and tests) or printed to the log (development)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


class EmailError(Exception):
    pass


def send_email(to: str, subject: str, body: str, *, html: str | None = None) -> str:
    """Send one message; returns its Message-ID. Raises EmailError on failure."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="ordilien.local")
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    if config["MAIL_BACKEND"] == "console":
        current_app.logger.info("Email to %s: %s\n%s", to, subject, body)
        return str(message["Message-ID"])
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise EmailError(f"Envoi de l'e-mail impossible : {exc}") from exc
    return str(message["Message-ID"])

"""SMS senders behind one interface, chosen by SMS_BACKEND:

- ``console``: written to the log (development);
- ``file``: one JSON line per SMS in SMS_FILE_PATH (development, tests);
- ``brevo``: Brevo's transactional SMS HTTP API (production), at SMS_HTTP_URL
  (default https://api.brevo.com/v3/transactionalSMS/sms) with the key SMS_HTTP_TOKEN.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from app.core.clock import utcnow
from app.notify.phone import to_e164

BREVO_URL = "https://api.brevo.com/v3/transactionalSMS/sms"


class SmsError(Exception):
    pass


@dataclass(frozen=True)
class SmsResult:
    provider_id: str


class SmsSender(Protocol):
    def send(self, to_e164: str, text: str) -> SmsResult: ...


class ConsoleSender:
    def send(self, to_e164: str, text: str) -> SmsResult:
        current_app.logger.info("SMS to %s: %s", to_e164, text)
        return SmsResult(provider_id="console")


class FileSender:
    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, to_e164: str, text: str) -> SmsResult:
        line = json.dumps(
            {"at": utcnow().isoformat(), "to": to_e164, "text": text}, ensure_ascii=False
        )
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return SmsResult(provider_id="file")


class BrevoSender:
    def __init__(self, url: str, api_key: str, sender_name: str) -> None:
        self.url = url or BREVO_URL
        self.api_key = api_key
        self.sender_name = sender_name[:11]  # alphanumeric senders are at most 11 characters

    def send(self, to_e164: str, text: str) -> SmsResult:
        payload = json.dumps(
            {
                "sender": self.sender_name,
                "recipient": to_e164.lstrip("+"),
                "content": text,
                "type": "transactional",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (URL from our own configuration)
            self.url,
            data=payload,
            method="POST",
            headers={
                "api-key": self.api_key,
                "content-type": "application/json",
                "accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                body = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SmsError(f"Envoi du SMS impossible : {exc}") from exc
        return SmsResult(provider_id=str(body.get("messageId", "")))


def get_sender() -> SmsSender:
    config = current_app.config
    backend = config["SMS_BACKEND"]
    if backend == "file":
        return FileSender(config["SMS_FILE_PATH"])
    if backend == "brevo":
        return BrevoSender(
            config["SMS_HTTP_URL"], config["SMS_HTTP_TOKEN"], config["SMS_SENDER_NAME"]
        )
    return ConsoleSender()


def send_sms(number: str, text: str) -> SmsResult:
    """Send one SMS to a French or international number. Raises SmsError."""
    e164 = to_e164(number)
    if e164 is None:
        raise SmsError(f"Numéro de téléphone inutilisable pour un SMS : {number!r}")
    return get_sender().send(e164, text)

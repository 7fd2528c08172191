"""The loan sheet's signature, drawn on the counter's pad: read and checked before it is
stored on the loan and printed on the sheet."""

from __future__ import annotations

import base64
import io

from PIL import Image, UnidentifiedImageError

from app.core.errors import DomainError
from app.core.i18n import translate as _
from app.loans import terms as rules


def decode_signature(data_url: str) -> bytes | None:
    """The pad's ``data:image/png;base64,...`` -> PNG bytes, checked; None when empty."""
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise DomainError(_("La signature n'a pas pu être lue : recommencez."), field="signature")
    try:
        png = base64.b64decode(data_url[len(prefix) :], validate=True)
    except ValueError:
        raise DomainError(
            _("La signature n'a pas pu être lue : recommencez."), field="signature"
        ) from None
    check_signature(png)
    return png


def check_signature(png: bytes) -> None:
    if len(png) > rules.MAX_SIGNATURE_BYTES:
        raise DomainError(_("La signature est trop lourde : effacez et recommencez."), "signature")
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or image.width > 2000 or image.height > 1000:
                raise DomainError(_("La signature n'a pas pu être lue : recommencez."), "signature")
            alpha = image.convert("RGBA").getchannel("A")
            inked = alpha.getbbox()
    except (UnidentifiedImageError, OSError):
        raise DomainError(
            _("La signature n'a pas pu être lue : recommencez."), field="signature"
        ) from None
    if not inked:
        raise DomainError(_("La signature est vide : faites signer la personne."), "signature")

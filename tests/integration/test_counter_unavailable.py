"""Scanning a device that cannot be handed over says its real situation (issue 18).

One test per state: the message comes from the device's state (received, in triage, in
reconditioning with its step, returned, reserved for another prescription, on loan,
sold, given, e-waste, parts) and says what to do. The old sentence, "Il a peut-être été
remis à un autre foyer", is said of none of them.
"""

from __future__ import annotations

import pytest

from app.core.errors import Conflict
from app.extensions import db
from app.inventory import tags
from app.inventory.lifecycle import DeviceType, State
from app.inventory.models import Condition, Device
from app.loans.handover import HandoverInput, handover
from app.loans.reservations import reserve
from app.loans.terms import PaymentMethod
from tests.conftest import login_client
from tests.integration.test_loans_factories import (
    RSA,
    make_counter,
    ready_device,
    validated_prescription,
)


def _scan(counter, prescription, device) -> str:  # type: ignore[no-untyped-def]
    """The counter scans ``device`` for ``prescription`` (a handover): the message."""
    with pytest.raises(Conflict) as caught:
        handover(
            counter.front_desk,
            counter.association.id,
            HandoverInput(
                prescription_id=prescription.id,
                scanned=device.asset_tag,
                accessories=["charger"],
                payment_method=PaymentMethod.CASH,
            ),
        )
    message = caught.value.message
    assert device.asset_tag in message
    assert "peut-être été remis" not in message
    return message


def _bare_device(org, state: State) -> Device:  # type: ignore[no-untyped-def]
    """A laptop straight from the donation: no erasure, no test list, no grade."""
    device = Device(
        organisation_id=org.id,
        asset_tag=tags.generate(),
        device_type=DeviceType.LAPTOP,
        brand="Dell",
        model="Latitude 5490",
        serial=f"SN-{tags.generate()}",
        condition=Condition.WORKING,
        state=state,
    )
    db.session.add(device)
    db.session.commit()
    return device


def _in_state(org, state: State) -> Device:  # type: ignore[no-untyped-def]
    device = ready_device(org)
    device.state = state
    db.session.commit()
    return device


@pytest.fixture
def counter():  # type: ignore[no-untyped-def]
    return make_counter()


@pytest.fixture
def prescription(counter):  # type: ignore[no-untyped-def]
    return validated_prescription(counter, RSA)


def test_received(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _bare_device(counter.association, State.RECEIVED))
    assert "pas encore prêt" in message and "vient d'être reçu" in message
    assert "Confiez-le à l'atelier" in message


def test_triage(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _bare_device(counter.association, State.TRIAGE))
    assert "pas encore prêt : il est en tri" in message
    assert "Scannez un appareil « Prêt à distribuer »" in message


def test_reconditioning_names_the_step(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    device = _bare_device(counter.association, State.RECONDITIONING)
    message = _scan(counter, prescription, device)
    assert "pas encore prêt : il est en reconditionnement (étape : effacement des données)" in (
        message
    )
    assert "Terminez-le à l'atelier ou scannez un autre appareil" in message


def test_reconditioning_with_everything_done(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.RECONDITIONING))
    assert "(étape : tout est fait, il reste à le passer en « Prêt à distribuer »)" in message


def test_returned(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.RETURNED))
    assert "pas encore prêt : il a été rendu" in message
    assert "repasser par l'atelier" in message


def test_reserved_for_another_prescription(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    other = validated_prescription(counter, RSA, name="Foyer Autre")
    device = ready_device(counter.association)
    reserve(counter.front_desk, counter.association.id, other.id, device.asset_tag, 3)
    with pytest.raises(Conflict) as caught:
        reserve(counter.front_desk, counter.association.id, prescription.id, device.asset_tag, 3)
    message = caught.value.message
    assert f"réservé pour une autre prescription (n° {other.id})" in message
    assert "annulez cette réservation" in message


def test_on_loan(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.ON_LOAN))
    assert "n'est plus disponible : il est prêté à un autre foyer" in message
    assert "enregistrez d'abord son retour" in message


def test_sold(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.SOLD))
    assert "n'est plus disponible : il a été vendu" in message


def test_given(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.GIVEN))
    assert "n'est plus disponible : il a été donné" in message


def test_e_waste(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.E_WASTE))
    assert "parti au recyclage (DEEE)" in message and "ne peut plus être remis" in message


def test_parts(counter, prescription) -> None:  # type: ignore[no-untyped-def]
    message = _scan(counter, prescription, _in_state(counter.association, State.PARTS))
    assert "pièces détachées" in message and "ne peut plus être remis" in message


def test_counter_page_shows_the_situation(app, counter, prescription) -> None:  # type: ignore[no-untyped-def]
    """The handover page a scan opens says it too."""
    device = _bare_device(counter.association, State.RECEIVED)
    desk = login_client(app.test_client(), counter.front_desk)
    response = desk.get(
        f"/comptoir/prescriptions/{prescription.id}/remise?appareil={device.asset_tag}",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "il vient d&#39;être reçu" in html or "il vient d'être reçu" in html

"""Where a prescription goes (routing.py) and what the household is told (notice_text.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.eligibility.vocabulary import ContactChannel
from app.households import notice_text, routing
from app.households.notice_text import Delivery, Notice
from app.households.routing import Area, Candidate, Nearness, Place
from app.notify.gsm7 import gsm7_length

CHATEAUDUN = Place("Châteaudun", "28200")
METZ = Candidate(1, "Atelier Numérique Solidaire de Metz", Place("Metz", "57000"))
CHARTRES = Candidate(2, "Repair Café de Chartres", Place("Chartres", "28000"))
DUNOIS = Candidate(3, "Ordi Dunois", Place("chateaudun", "28200"))
AMIENS = Candidate(4, "Abc Informatique d'Amiens", Place("Amiens", "80000"))
NOWHERE = Candidate(5, "Sans adresse", Place("", ""))
RSA_15 = Area(communes=("Nogent-le-Rotrou", "Châteaudun"))


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("28200", "28"),
        ("57000", "57"),
        ("20090", "2A"),
        ("20200", "2B"),
        ("97400", "974"),
        ("2820", None),
        ("", None),
        ("ABCDE", None),
    ],
)
def test_department_of_a_postcode(postcode: str, expected: str | None) -> None:
    assert routing.department(postcode) == expected


def test_the_nearest_serving_association_comes_first_never_the_alphabet() -> None:
    ranked = routing.rank(CHATEAUDUN, [METZ, AMIENS, CHARTRES, DUNOIS, NOWHERE], RSA_15)
    assert [r.id for r in ranked.ranked] == [DUNOIS.id, CHARTRES.id, AMIENS.id, METZ.id, 5]
    assert [r.id for r in ranked.serving] == [DUNOIS.id, CHARTRES.id]
    assert ranked.default_id == DUNOIS.id
    assert [r.nearness for r in ranked.ranked[:2]] == [
        Nearness.SAME_COMMUNE,
        Nearness.SAME_DEPARTMENT,
    ]
    assert ranked.ranked[-1].nearness is Nearness.UNKNOWN


def test_no_association_in_the_departement_means_no_default() -> None:
    ranked = routing.rank(CHATEAUDUN, [METZ, AMIENS], RSA_15)
    assert ranked.serving == () and ranked.default_id is None
    assert [r.id for r in ranked.others] == [AMIENS.id, METZ.id]  # then by name


def test_the_programme_territory_narrows_who_serves() -> None:
    moselle_only = Area(departments=("57",))
    # A Metz household, a Metz association: served; a Chartres one never is.
    metz_home = Place("Metz", "57050")
    ranked = routing.rank(metz_home, [CHARTRES, METZ], moselle_only)
    assert ranked.default_id == METZ.id
    # A programme for Metz only: an association elsewhere in Moselle still serves the
    # household's département, which the programme reaches.
    thionville = Candidate(9, "Thionville Num", Place("Thionville", "57100"))
    ranked = routing.rank(metz_home, [thionville], Area(communes=("Metz",)))
    assert ranked.default_id == thionville.id
    # A programme for postcodes of Eure-et-Loir does not reach a Metz household's association.
    ranked = routing.rank(metz_home, [METZ], Area(postcodes=("28200",)))
    assert ranked.default_id is None


def test_a_programme_everywhere_is_served_by_the_households_departement() -> None:
    ranked = routing.rank(CHATEAUDUN, [METZ, CHARTRES], None)
    assert ranked.default_id == CHARTRES.id
    ranked = routing.rank(Place("", ""), [METZ, CHARTRES], None)
    assert ranked.default_id is None  # an unknown place is served by no one


def test_distances_order_within_the_served_and_say_how_far() -> None:
    km = {("28200", "28000"): 44.6, ("28200", "28200"): 0.0, ("28200", "57000"): 301.2}
    ranked = routing.rank(
        CHATEAUDUN,
        [METZ, CHARTRES, DUNOIS],
        RSA_15,
        lambda a, b: km.get((a.postcode, b.postcode)),
    )
    assert [r.id for r in ranked.ranked] == [DUNOIS.id, CHARTRES.id, METZ.id]
    assert [routing.where(r) for r in ranked.ranked] == [
        ("même commune", {}),
        ("à %(km)s km", {"km": 45}),
        ("à %(km)s km", {"km": 301}),
    ]
    near = routing.Ranked(1, "x", Place("Lutz", "28200"), True, Nearness.SAME_DEPARTMENT, 0.8)
    assert routing.where(near) == ("à %(m)s m", {"m": 800})


def test_where_without_distances() -> None:
    ranked = routing.rank(CHATEAUDUN, [METZ, CHARTRES, NOWHERE], RSA_15)
    assert [routing.where(r) for r in ranked.ranked] == [
        ("même département", {}),
        ("autre département (%(d)s)", {"d": "57"}),
        ("adresse inconnue", {}),
    ]


# ---------------------------------------------------------------- what the household is told


@pytest.mark.parametrize(
    ("channel", "phone", "email", "expected"),
    [
        (ContactChannel.SMS, "06 12 34 56 78", "", Delivery.SMS),
        (ContactChannel.SMS, "02 37 12 34 56", "a@b.fr", Delivery.EMAIL),
        (ContactChannel.SMS, "02 37 12 34 56", "", Delivery.CALL),
        (ContactChannel.EMAIL, "06 12 34 56 78", "a@b.fr", Delivery.EMAIL),
        (ContactChannel.EMAIL, "06 12 34 56 78", "", Delivery.SMS),
        (ContactChannel.PHONE, "06 12 34 56 78", "a@b.fr", Delivery.CALL),
        (ContactChannel.PHONE, "", "a@b.fr", Delivery.EMAIL),
        (ContactChannel.POST, "06 12 34 56 78", "", Delivery.POST),
        (ContactChannel.SMS, "", "", Delivery.NONE),
        (ContactChannel.SMS, "+32 470 12 34 56", "", Delivery.SMS),  # a Belgian mobile
    ],
)
def test_the_chosen_channel_when_it_works(
    channel: ContactChannel, phone: str, email: str, expected: Delivery
) -> None:
    assert notice_text.choose_delivery(channel, phone, email) is expected


def test_opening_hours_in_words() -> None:
    assert (
        notice_text.hours_in_words("Tu,Th 13:00-17:30; Sa 09:00-12:00")
        == "mar., jeu. 13h-17h30 ; sam. 9h-12h"
    )
    assert notice_text.hours_in_words("Mo-Fr 09:00-12:00; PH off") == (
        "lun.-ven. 9h-12h ; jours fériés fermé"
    )
    assert notice_text.hours_in_words("") == ""


NOTICE = Notice(
    prescription_id=1234,
    household_name="Mme Durand",
    device="Ordinateur portable",
    programme="Ordinateur solidaire RSA à 15 €",
    kind="sale",
    association="Atelier Numérique Solidaire de Metz",
    address="12 rue des Allemands",
    postcode="57000",
    commune="Metz",
    phone="03 87 00 00 01",
    hours="mar., jeu. 13h-17h30 ; sam. 9h-12h",
    price="15 €",
    payments=("espèces", "chèque"),
    valid_until=date(2026, 9, 1),
    prescriber="France Services Chartres",
    prescriber_phone="02 37 00 00 05",
)


def test_the_sms_is_gsm7_in_one_message_and_says_where_what_and_whom() -> None:
    text = notice_text.sms(NOTICE)
    length = gsm7_length(text)
    assert length is not None and length <= 160
    assert "12 rue des Allemands, 57000 Metz" in text
    assert "1234" in text and "15 €" in text and "03 87 00 00 01" in text
    short = notice_text.sms(Notice(**{**NOTICE.__dict__, "association": "Ordi 28", "payments": ()}))
    assert "mar., jeu. 13h-17h30" in short  # room for the hours when the name is short


def test_a_long_sms_stays_gsm7_even_when_it_cannot_fit() -> None:
    long = Notice(**{**NOTICE.__dict__, "address": "Résidence " + "très longue " * 12})
    text = notice_text.sms(long)
    assert gsm7_length(text) is not None and "Résidence" in text


def test_the_email_says_where_when_what_to_bring_and_whom_to_call() -> None:
    subject, body = notice_text.email(NOTICE)
    assert (
        subject == "Votre ordinateur portable vous attend chez Atelier Numérique Solidaire de Metz"
    )
    assert "Bonjour Mme Durand," in body
    assert "Où : Atelier Numérique Solidaire de Metz, 12 rue des Allemands, 57000 Metz" in body
    assert "mar., jeu. 13h-17h30" in body and "(jusqu'au 01/09/2026)" in body
    assert "ou son numéro : 1234" in body and "15 €" in body
    assert "paiement accepté : espèces, chèque" in body
    assert "Qui appeler : Atelier Numérique Solidaire de Metz au 03 87 00 00 01." in body


@pytest.mark.parametrize(
    ("kind", "deposit", "expected"),
    [
        ("loan", 20, "une pièce d'identité si vous en avez une, et 20 € de dépôt de garantie"),
        ("loan", None, "une pièce d'identité si vous en avez une."),
        ("gift", None, "la fiche de prescription (ou son numéro : 1234)."),
        ("aid", None, "la fiche de prescription (ou son numéro : 1234)."),
    ],
)
def test_what_to_bring_by_kind(kind: str, deposit: int | None, expected: str) -> None:
    notice = Notice(**{**NOTICE.__dict__, "kind": kind, "deposit_eur": deposit})
    assert expected in notice_text.bring_sentence(notice)


def test_without_the_associations_phone_the_prescriber_is_whom_to_call() -> None:
    notice = Notice(**{**NOTICE.__dict__, "phone": ""})
    assert notice_text.whom_to_call(notice) == "France Services Chartres au 02 37 00 00 05"
    hours_unknown = Notice(**{**NOTICE.__dict__, "hours": "", "valid_until": None})
    assert notice_text.when_sentence(hours_unknown) == (
        "dès maintenant ; appelez avant de venir pour convenir d'un moment."
    )


def test_hours_grouped_in_words_and_the_sms_keeps_them_in_gsm7() -> None:
    days = [("Mardi", "13 h – 17 h 30"), ("Jeudi", "13 h – 17 h 30"), ("Samedi", "9 h – 12 h")]
    words = notice_text.week_in_words(days)
    assert words == "mardi, jeudi : 13 h – 17 h 30 ; samedi : 9 h – 12 h"
    text = notice_text.sms(Notice(**{**NOTICE.__dict__, "association": "Ordi 28", "hours": words}))
    assert gsm7_length(text) is not None and "mar, jeu 13h-17h30; sam 9h-12h." in text

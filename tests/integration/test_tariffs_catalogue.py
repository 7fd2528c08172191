"""The catalogue on a real database: edits with history, races, CSV in and out, pages."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.core.errors import Conflict, DomainError
from app.core.urls import is_web_url
from app.extensions import db
from app.tariffs import editing, governance, transfer
from app.tariffs.matching import AreaKind, OfferKind
from app.tariffs.models import SocialTariff, TariffRevision
from tests.factories import create_org


def box(**fields) -> editing.TariffData:  # type: ignore[no-untyped-def]
    values = {
        "provider": "Orange",
        "name": "Coup de Pouce Internet",
        "kind": OfferKind.BOX,
        "monthly_price": Decimal("15.99"),
        "statuses_any": ("rsa", "aah"),
        "checked_on": today() - timedelta(days=10),
        "source_url": "https://www.orange.fr/",
    }
    values.update(fields)
    return editing.TariffData(**values)


def test_edit_keeps_who_when_before_and_after(make_user) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER)
    tariff = editing.create_tariff(box(), manager)
    editing.update_tariff(
        tariff.id, box(monthly_price=Decimal("12.50")), expected_version=1, actor=manager
    )
    db.session.expire_all()
    tariff = db.session.get(SocialTariff, tariff.id)
    assert tariff.monthly_price == Decimal("12.50") and tariff.version == 2
    latest, created = tariff.revisions
    assert created.action == "create" and created.after["monthly_price"] == "15.99"
    assert latest.action == "update" and latest.actor_label == manager.email
    assert latest.before == {"monthly_price": "15.99"}
    assert latest.after == {"monthly_price": "12.50"}
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "tariff.create" in actions and "tariff.update" in actions


def test_edit_on_an_old_version_is_refused(make_user) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER)
    tariff = editing.create_tariff(box(), manager)
    editing.update_tariff(tariff.id, box(monthly_price=Decimal("14")), 1, manager)
    with pytest.raises(Conflict):
        editing.update_tariff(tariff.id, box(monthly_price=Decimal("9")), 1, manager)
    db.session.expire_all()
    assert db.session.get(SocialTariff, tariff.id).monthly_price == Decimal("14.00")
    assert len(db.session.scalars(select(TariffRevision)).all()) == 2  # create, first update


def test_no_change_writes_no_revision(make_user) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER)
    tariff = editing.create_tariff(box(), manager)
    editing.update_tariff(tariff.id, box(), 1, manager)
    assert len(db.session.scalars(select(TariffRevision)).all()) == 1


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"provider": " "}, "provider"),
        ({"monthly_price": Decimal("-1")}, "monthly_price"),
        ({"area_kind": AreaKind.REGION, "area_codes": ("Lorraine",)}, "area_codes"),
        ({"area_kind": AreaKind.COMMUNES}, "area_codes"),
        ({"statuses_any": ("millionaire",)}, "statuses_any"),
        ({"valid_from": date(2026, 5, 1), "valid_to": date(2026, 4, 1)}, "valid_to"),
        ({"intro_price": Decimal("1")}, "intro_months"),
        ({"source_url": "orange.fr"}, "source_url"),
        ({"country": "DE"}, "country"),
        ({"monthly_price": Decimal("NaN")}, "monthly_price"),
        ({"setup_fee": Decimal("1e309")}, "setup_fee"),
        ({"commitment_months": 10**22}, "commitment_months"),
    ],
)
def test_faults_are_refused_with_their_field(fields, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        editing.create_tariff(box(**fields))
    assert caught.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(SocialTariff)) is None


def test_nul_characters_are_dropped() -> None:
    tariff = editing.create_tariff(box(provider="Ora\x00nge", notes="a\x00b"))
    assert tariff.provider == "Orange" and tariff.notes == "ab"


def test_duplicate_offer_is_refused() -> None:
    editing.create_tariff(box())
    with pytest.raises(DomainError):
        editing.create_tariff(box(monthly_price=Decimal("1")))


def test_mark_checked_clears_to_verify(make_user) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER)
    tariff = editing.create_tariff(box(checked_on=date(2023, 1, 1)), manager)
    assert editing.list_tariffs(to_verify=True) == [tariff]
    editing.mark_checked(tariff.id, 1, manager)
    assert editing.list_tariffs(to_verify=True) == []
    assert tariff.revisions[0].action == "checked"


# ---- CSV ----------------------------------------------------------------------------


def test_starting_catalogue_is_sourced_and_loaded_once() -> None:
    first = governance.load_starting_catalogue()
    assert first.errors == [] and first.created == 5
    again = governance.load_starting_catalogue()
    assert again.created == 0 and again.unchanged == first.created
    tariffs = editing.list_tariffs()
    assert all(is_web_url(t.source_url) for t in tariffs)
    # Issue 17: a French instance (TARIFF_COUNTRY) loads and lists the French catalogue only.
    assert {t.country for t in tariffs} == {"FR"}
    assert editing.list_tariffs(country="UK") == []
    orange = next(t for t in tariffs if t.name == "Coup de Pouce Internet")
    # Nobody at a territory has verified the shipped facts: never verified, by no one.
    assert orange.monthly_price == Decimal("15.99") and orange.checked_on is None
    assert orange.verified_by_id is None and orange.state == "to_verify"
    assert len(editing.list_tariffs(to_verify=True)) == len(tariffs)


def test_export_then_import_changes_nothing() -> None:
    governance.load_starting_catalogue()
    raw = transfer.export_csv(editing.list_tariffs())
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("fournisseur;offre;type;prix_mensuel")
    assert ";15,99;" in raw.decode("utf-8-sig")
    report = transfer.import_csv(raw)
    assert report.errors == [] and report.created == 0 and report.updated == 0


def test_import_french_excel_file(make_user) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER)
    editing.create_tariff(box(), manager)
    text = (
        "fournisseur;offre;type;prix_mensuel;frais_ouverture;statuts_un_parmi;zone_type;zone;verifie_le\r\n"
        "Orange;Coup de Pouce Internet;box;14,99;;rsa|aah;national;;15/01/2026\r\n"
        "Régie locale;Box quartier;box;9,50;1 234,00;rsa;communes;Metz|57050;2026-02-01\r\n"
    )
    report = transfer.import_csv(text.encode("cp1252"), manager)
    assert report.errors == []
    assert (report.created, report.updated) == (1, 1)
    regie = db.session.scalar(select(SocialTariff).where(SocialTariff.provider == "Régie locale"))
    assert regie.setup_fee == Decimal("1234.00") and regie.area_codes == ["Metz", "57050"]
    orange = db.session.scalar(select(SocialTariff).where(SocialTariff.provider == "Orange"))
    assert orange.monthly_price == Decimal("14.99") and orange.checked_on == date(2026, 1, 15)
    assert orange.revisions[0].action == "import"
    assert orange.revisions[0].before["monthly_price"] == "15.99"


def test_import_with_a_bad_line_writes_nothing() -> None:
    text = (
        "fournisseur,offre,type,prix_mensuel,statuts_un_parmi\n"
        "SFR,Forfait bloqué,mobile,10,rsa\n"
        "Free,Box,box,douze,rsa\n"
        "Bouygues,Forfait,mobile,10,inconnu\n"
        "SFR,Forfait bloqué,mobile,11,rsa\n"
    )
    report = transfer.import_csv(text.encode())
    lines = [line for line, _message in report.errors]
    assert lines == [3, 4, 5]
    assert "prix_mensuel" in report.errors[0][1]
    assert "inconnu" in report.errors[1][1]
    assert db.session.scalar(select(SocialTariff)) is None


def test_import_missing_columns() -> None:
    report = transfer.import_csv(b"nom;prix\nx;1\n")
    assert report.errors and "fournisseur" in report.errors[0][1]


# ---- pages --------------------------------------------------------------------------


def test_manager_edits_the_price_and_sees_the_history(login, make_user) -> None:  # type: ignore[no-untyped-def]
    # Issue 17: the catalogue's owner is the coordinator's manager.
    manager = make_user(Role.MANAGER, create_org(OrgKind.COORDINATOR))
    tariff = editing.create_tariff(box(), manager)
    client = login(manager)
    page = client.get(f"/tarifs/{tariff.id}/modifier")
    assert page.status_code == 200 and 'value="15,99"' in page.get_data(as_text=True)
    form = {
        "version": "1",
        "provider": "Orange",
        "name": "Coup de Pouce Internet",
        "kind": "box",
        "country": "FR",
        "monthly_price": "12,99",
        "area_kind": "national",
        "statuses_any": ["rsa", "aah"],
        "source_url": "https://www.orange.fr/",
        "checked_on": (today() - timedelta(days=10)).isoformat(),
    }
    response = client.post(f"/tarifs/{tariff.id}/modifier", data=form)
    assert response.status_code == 302
    html = client.get(f"/tarifs/{tariff.id}").get_data(as_text=True)
    assert "12,99 €" in html
    assert "15.99" in html and "12.99" in html  # before and after in the history
    assert manager.email in html


def test_form_shows_french_errors_and_keeps_input(login, make_user) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(Role.MANAGER, create_org(OrgKind.COORDINATOR)))
    response = client.post(
        "/tarifs/nouvelle",
        data={
            "provider": "Régie",
            "name": "Box",
            "kind": "box",
            "country": "FR",
            "monthly_price": "9",
            "area_kind": "region",
            "area_codes": "Lorraine",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Région inconnue : Lorraine." in html and 'value="Régie"' in html


def test_list_flags_offers_to_verify(login, make_user) -> None:  # type: ignore[no-untyped-def]
    editing.create_tariff(box(checked_on=date(2023, 1, 1)))
    editing.create_tariff(box(name="Récente", checked_on=today()))
    client = login(make_user(Role.PRESCRIBER))
    html = client.get("/tarifs/").get_data(as_text=True)
    assert html.count('badge-warn">À vérifier') == 1
    html = client.get("/tarifs/?a_verifier=1").get_data(as_text=True)
    assert "Coup de Pouce" in html and "Récente" not in html


def test_upload_and_download(login, make_user) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(Role.MANAGER, create_org(OrgKind.COORDINATOR)))
    csv = b"fournisseur;offre;type;prix_mensuel\nSFR;Forfait;mobile;10,00\n"
    response = client.post(
        "/tarifs/import",
        data={"file": (io.BytesIO(csv), "tarifs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    download = client.get("/tarifs/export.csv")
    assert download.mimetype == "text/csv"
    assert "SFR;Forfait;mobile;10,00" in download.get_data().decode("utf-8-sig")
    bad = "fournisseur;offre;type;prix_mensuel\nSFR;Forfait;fusée;10\n".encode()
    response = client.post(
        "/tarifs/import",
        data={"file": (io.BytesIO(bad), "tarifs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Ligne 2" in response.get_data(as_text=True)


def test_unknown_offer_is_a_404(login, make_user) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(Role.MANAGER))
    assert client.get("/tarifs/99999999999999999999").status_code == 404
    assert client.get("/tarifs/12345").status_code == 404


def test_simulator(login, make_user) -> None:  # type: ignore[no-untyped-def]
    editing.create_tariff(box())
    client = login(make_user(Role.TECHNICIAN))
    html = client.get(
        "/tarifs/simulateur?statuses=rsa&commune=Metz&postcode=57000&country=FR&needs=box&monthly_spend=40&box_spend=40&mobile_spend=0"
    ).get_data(as_text=True)
    assert "Coup de Pouce Internet" in html
    assert "Économie : 288,12 € par an" in html

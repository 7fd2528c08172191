"""Issue 17: who owns the catalogue, the verification round, proposals, withdrawal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.authz.policy import OrgKind, Role
from app.core.clock import today
from app.extensions import db
from app.tariffs import editing, governance, household_matches, transfer
from app.tariffs.freshness import months_before
from app.tariffs.matching import Facts, Need, OfferKind
from app.tariffs.models import SocialTariff
from tests import factories
from tests.conftest import login_client


def offer(name: str, checked_days_ago: int = 10, **fields) -> SocialTariff:  # type: ignore[no-untyped-def]
    values = {
        "provider": "Orange",
        "name": name,
        "kind": OfferKind.BOX,
        "monthly_price": Decimal("15.99"),
        "statuses_any": ("rsa",),
        "checked_on": today() - timedelta(days=checked_days_ago),
        "source_url": "https://boutique.orange.fr/internet/offres-fibre/coup-de-pouce",
    }
    values.update(fields)
    return editing.create_tariff(editing.TariffData(**values))


def coordinator_manager():  # type: ignore[no-untyped-def]
    coord = factories.create_org(OrgKind.COORDINATOR, slug="metz-coord", commune="Metz")
    return factories.create_user(Role.MANAGER, coord, email="coord@metz.test")


def other_town_manager():  # type: ignore[no-untyped-def]
    asso = factories.create_org(OrgKind.ASSOCIATION, slug="asso-nancy", commune="Nancy")
    return factories.create_user(Role.MANAGER, asso, email="manager@nancy.test")


def test_an_offer_aged_past_n_months_comes_first_and_verifying_brings_it_back(app) -> None:  # type: ignore[no-untyped-def]
    owner = coordinator_manager()
    months = app.config["TARIFF_VERIFIED_MONTHS"]
    fresh = offer("Fraîche", checked_days_ago=3)
    older = offer("Un peu vieille", checked_days_ago=1)
    older.checked_on = months_before(today(), months) - timedelta(days=20)
    aged = offer("Vieillie")
    aged.checked_on = months_before(today(), months) - timedelta(days=400)
    db.session.commit()
    assert governance.effective_state(fresh) == governance.CURRENT
    assert governance.effective_state(aged) == governance.TO_VERIFY
    queue = governance.review_queue()
    assert [t.name for t in queue] == ["Vieillie", "Un peu vieille"]  # oldest first
    client = login_client(app.test_client(), owner)
    page = client.get("/tarifs/a-verifier").get_data(as_text=True)
    assert page.index("Vieillie") < page.index("Un peu vieille") and "Fraîche" not in page

    response = client.post(f"/tarifs/{aged.id}/verifiee", data={"version": str(aged.version)})
    assert response.status_code == 302
    db.session.expire_all()
    aged = db.session.get(SocialTariff, aged.id)
    assert aged.checked_on == today() and aged.verified_by_id == owner.id
    assert governance.effective_state(aged) == governance.CURRENT
    assert [t.name for t in governance.review_queue()] == ["Un peu vieille"]


def test_a_manager_of_another_town_proposes_but_cannot_change(app) -> None:  # type: ignore[no-untyped-def]
    tariff = offer("Box solidaire")
    manager = other_town_manager()
    client = login_client(app.test_client(), manager)
    assert client.get(f"/tarifs/{tariff.id}/modifier").status_code == 403
    assert client.post(f"/tarifs/{tariff.id}/verifiee", data={"version": "1"}).status_code == 403
    assert client.post(f"/tarifs/{tariff.id}/retirer", data={}).status_code == 403
    assert client.get("/tarifs/a-verifier").status_code == 403
    assert client.get("/tarifs/import").status_code == 403
    response = client.post(
        f"/tarifs/{tariff.id}/proposer", data={"kind": "change", "monthly_price": "12,00"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SocialTariff, tariff.id).monthly_price == Decimal("15.99")
    assert len(governance.open_proposals()) == 1
    # The coordinator's manager does change it.
    owner_client = login_client(app.test_client(), coordinator_manager())
    assert owner_client.get(f"/tarifs/{tariff.id}/modifier").status_code == 200


def test_one_proposal_accepted_one_refused_both_journalled(app) -> None:  # type: ignore[no-untyped-def]
    owner = coordinator_manager()
    prescriber = factories.create_user(Role.PRESCRIBER, email="ccas@metz.test")
    tariff = offer("Box solidaire")
    changed = governance.propose(
        tariff.id, prescriber, governance.CHANGE, "Nouveau prix", {"monthly_price": "12,50"}
    )
    gone = governance.propose(tariff.id, prescriber, governance.GONE, "Plus en boutique")
    governance.accept(changed.id, owner)
    refused = governance.refuse(gone.id, owner, "Toujours vendue au 3900")
    db.session.expire_all()
    tariff = db.session.get(SocialTariff, tariff.id)
    assert tariff.monthly_price == Decimal("12.50") and tariff.state == governance.CURRENT
    assert tariff.revisions[0].action == "update" and tariff.revisions[0].actor_label == owner.email
    assert refused.status == "refused" and refused.reason == "Toujours vendue au 3900"
    entries = {(e.action, e.actor_id) for e in db.session.scalars(select(AuditEntry))}
    assert ("tariff.proposal.change", prescriber.id) in entries
    assert ("tariff.proposal.gone", prescriber.id) in entries
    assert ("tariff.proposal.accepted", owner.id) in entries
    assert ("tariff.proposal.refused", owner.id) in entries
    assert governance.open_proposals() == []


def test_a_withdrawn_offer_is_matched_to_no_one(app) -> None:  # type: ignore[no-untyped-def]
    owner = coordinator_manager()
    tariff = offer("Box solidaire")
    facts = Facts(statuses=frozenset({"rsa"}), postcode="57000", needs=frozenset({Need.BOX}))
    names = lambda: [m.offer.name for m in household_matches.match_facts(facts).eligible]  # noqa: E731
    assert names() == ["Box solidaire"]
    governance.withdraw(tariff.id, owner, "Plus vendue")
    assert names() == []
    assert governance.review_queue() == []


def test_a_french_instance_shows_no_british_offer(app) -> None:  # type: ignore[no-untyped-def]
    governance.load_starting_catalogue()
    # A British offer imported by hand stays out of a French instance's list and matches.
    governance.import_csv(
        b"fournisseur;offre;type;prix_mensuel;pays;statuts_un_parmi\n"
        b"BT;Home Essentials 36 Mbps;box;15,00;UK;universal_credit\n"
    )
    assert {t.country for t in editing.list_tariffs()} == {"FR"}
    assert {t.country for t in editing.list_tariffs(country="UK")} == {"UK"}
    facts = Facts(
        statuses=frozenset({"universal_credit"}), country="UK", needs=frozenset({Need.BOX})
    )
    assert household_matches.match_facts(facts).eligible == ()


def test_csv_import_reads_state_and_territory_all_or_nothing(app) -> None:  # type: ignore[no-untyped-def]
    owner = coordinator_manager()
    bad = (
        b"fournisseur;offre;type;prix_mensuel;etat;territoire\n"
        b"SFR;Forfait;mobile;10,00;withdrawn;57\n"
        b"Free;Box;box;9,99;peut-etre;57\n"
    )
    report = governance.import_csv(bad, owner)
    assert report.errors and report.errors[0][0] == 3 and "peut-etre" in report.errors[0][1]
    assert db.session.scalars(select(SocialTariff)).all() == []  # nothing written
    good = bad.replace(b"peut-etre", b"current")
    report = governance.import_csv(good, owner)
    assert report.errors == [] and report.created == 2
    sfr = db.session.scalars(select(SocialTariff).filter_by(provider="SFR")).one()
    assert sfr.state == governance.WITHDRAWN and sfr.territory == "57"
    actions = {e.action for e in db.session.scalars(select(AuditEntry))}
    assert {"tariff.import"} <= actions
    header = transfer.export_csv(editing.list_tariffs()).decode("utf-8-sig").splitlines()[0]
    assert header.endswith("a_verifier;etat;territoire;verifie_par")
    # Out and back: nothing changes.
    again = governance.import_csv(transfer.export_csv(editing.list_tariffs()), owner)
    assert again.errors == [] and again.updated == 0


def test_flask_tariffs_review_lists_the_oldest_first(app) -> None:  # type: ignore[no-untyped-def]
    offer("Fraîche", checked_days_ago=1)
    offer("Jamais", checked_on=None)
    offer("Vieille", checked_days_ago=800)
    result = app.test_cli_runner().invoke(args=["tariffs", "review"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split("\t")[2] for line in lines] == ["Orange · Jamais", "Orange · Vieille"]


def test_the_api_moves_the_catalogue_journalled(app) -> None:  # type: ignore[no-untyped-def]
    from app.accounts import services as accounts

    owner = coordinator_manager()
    other = other_town_manager()
    headers = {"Authorization": f"Bearer {accounts.create_api_token(owner, 'test')}"}
    other_headers = {"Authorization": f"Bearer {accounts.create_api_token(other, 'test')}"}
    db.session.commit()
    client = app.test_client()
    body = {"csv": "fournisseur;offre;type;prix_mensuel;etat\nSFR;Forfait;mobile;10,00;bof\n"}
    response = client.post("/api/v1/tariffs/import", json=body, headers=headers)
    assert response.status_code == 422 and response.json["error"]["fields"][0]["field"] == "ligne 2"
    assert (
        client.post("/api/v1/tariffs/import", json=body, headers=other_headers).status_code == 403
    )
    body["csv"] = body["csv"].replace("bof", "current")
    response = client.post("/api/v1/tariffs/import", json=body, headers=headers)
    assert response.status_code == 200 and response.json["created"] == 1
    tariff = db.session.scalars(select(SocialTariff)).one()
    response = client.post(
        f"/api/v1/tariffs/{tariff.id}/proposals",
        json={"kind": "gone", "message": "Plus vendu"},
        headers=other_headers,
    )
    assert response.status_code == 201
    assert (
        client.post(
            f"/api/v1/tariffs/{tariff.id}/withdraw", json={}, headers=other_headers
        ).status_code
        == 403
    )
    response = client.post(f"/api/v1/tariffs/{tariff.id}/withdraw", json={}, headers=headers)
    assert response.status_code == 200 and response.json["state"] == "withdrawn"
    csv = client.get("/api/v1/tariffs/export.csv", headers=headers).get_data(as_text=True)
    assert ";withdrawn;" in csv
    actions = {(e.action, e.actor_id) for e in db.session.scalars(select(AuditEntry))}
    assert ("tariff.import", owner.id) in actions and ("tariff.withdrawn", owner.id) in actions
    assert ("tariff.proposal.gone", other.id) in actions


def test_the_offer_form_has_the_territory_state_and_who_verified(app) -> None:  # type: ignore[no-untyped-def]
    owner = coordinator_manager()
    client = login_client(app.test_client(), owner)
    page = client.get("/tarifs/nouvelle").get_data(as_text=True)
    for name in ("country", "territory", "provider", "source_url", "valid_from", "valid_to"):
        assert f'name="{name}"' in page, name
    assert 'name="checked_on"' in page and 'name="state"' in page
    # Nothing says the offer was verified until someone types the day they did.
    assert 'name="checked_on" type="date" value=""' in page
    assert "Vérifiée par : personne" in " ".join(page.split())
    form = {
        "provider": "Régie de Metz",
        "name": "Box solidaire",
        "kind": "box",
        "country": "FR",
        "territory": "57",
        "monthly_price": "9,99",
        "area_kind": "national",
        "source_url": "javascript:alert(1)",
        "state": "current",
    }
    refused = client.post("/tarifs/nouvelle", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Adresse web attendue, commençant par http:// ou https://" in html
    assert 'value="57"' in html and 'value="Régie de Metz"' in html  # typed values kept
    form |= {
        "source_url": "https://regie-metz.test/offres/box-solidaire",
        "checked_on": (today() - timedelta(days=2)).isoformat(),
        "valid_from": "2026-01-01",
    }
    assert client.post("/tarifs/nouvelle", data=form).status_code == 302
    tariff = db.session.scalars(select(SocialTariff).filter_by(name="Box solidaire")).one()
    assert (tariff.territory, tariff.state, tariff.verified_by_id) == ("57", "current", owner.id)
    detail = " ".join(client.get(f"/tarifs/{tariff.id}").get_data(as_text=True).split())
    assert owner.email in detail and "Territoire : 57" in detail

    # Another owner edits the price only: who verified the offer does not change.
    admin = factories.create_user(Role.ADMIN, email="admin@metz.test")
    other = login_client(app.test_client(), admin)
    edit = other.get(f"/tarifs/{tariff.id}/modifier").get_data(as_text=True)
    assert 'value="57"' in edit and owner.email in edit
    form |= {"version": str(tariff.version), "monthly_price": "8,99"}
    assert other.post(f"/tarifs/{tariff.id}/modifier", data=form).status_code == 302
    db.session.expire_all()
    tariff = db.session.get(SocialTariff, tariff.id)
    assert tariff.monthly_price == Decimal("8.99") and tariff.verified_by_id == owner.id
    # Withdrawn from the form: journalled as a withdrawal, matched to no one.
    form |= {"version": str(tariff.version), "state": "withdrawn"}
    assert other.post(f"/tarifs/{tariff.id}/modifier", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(SocialTariff, tariff.id).state == governance.WITHDRAWN
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(tariff.id))
    ).all()
    assert "tariff.withdrawn" in actions
    facts = Facts(statuses=frozenset(), postcode="57000", needs=frozenset({Need.BOX}))
    assert household_matches.match_facts(facts).eligible == ()


def test_the_form_states_are_the_governance_states() -> None:
    from app.tariffs.forms import STATE_LABELS

    assert tuple(STATE_LABELS) == governance.STATES


def test_a_verification_date_typed_in_the_form_lifts_to_verify(app) -> None:  # type: ignore[no-untyped-def]
    """As "Vérifiée aujourd'hui" does: the owner who records today's check in the form,
    leaving the state as it was, takes the offer off the list of what to check."""
    owner = coordinator_manager()
    client = login_client(app.test_client(), owner)
    form = {
        "provider": "Régie de Metz",
        "name": "Box à revoir",
        "kind": "box",
        "country": "FR",
        "monthly_price": "9,99",
        "area_kind": "national",
        "source_url": "https://regie-metz.test/offres/box",
        "state": "to_verify",
    }
    assert client.post("/tarifs/nouvelle", data=form).status_code == 302
    tariff = db.session.scalars(select(SocialTariff).filter_by(name="Box à revoir")).one()
    assert tariff.state == governance.TO_VERIFY
    assert "Box à revoir" in client.get("/tarifs/a-verifier").get_data(as_text=True)

    form |= {"version": str(tariff.version), "checked_on": today().isoformat()}
    assert client.post(f"/tarifs/{tariff.id}/modifier", data=form).status_code == 302
    db.session.expire_all()
    tariff = db.session.get(SocialTariff, tariff.id)
    assert (tariff.state, tariff.verified_by_id) == (governance.CURRENT, owner.id)
    assert "Box à revoir" not in client.get("/tarifs/a-verifier").get_data(as_text=True)

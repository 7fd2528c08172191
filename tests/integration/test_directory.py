""" "Où aller": search (filters, distance order, places with no point last), the public
page without an account, the staff view on a household, and the own places' sync."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.authz.policy import OrgKind, Role
from app.core.clock import utcnow
from app.directory import services
from app.directory.hours import PARIS
from app.directory.models import Place
from app.directory.needs import Need
from app.directory.search import Query, search
from app.extensions import db
from app.households.models import Household
from tests import factories
from tests.conftest import login_client

# Thursday 4 December 2025, 10:00 in Metz.
THURSDAY_10H = datetime(2025, 12, 4, 10, 0, tzinfo=PARIS)
SATURDAY_HOURS = "Tu-Sa 09:00-12:00; PH off"


def place(name: str, lat: float | None, lon: float | None, **fields: object) -> Place:
    defaults: dict[str, object] = dict(
        commune="Metz", postcode="57000", code_insee="57463", needs=["learn"],
        opening_hours="Mo-Fr 09:00-17:00; PH off", free=True,
    )  # fmt: skip
    defaults.update(fields)
    row = Place(name=name, **defaults)
    if lat is not None and lon is not None:
        services.set_manual_point(row, lat, lon)
    else:
        row.departement = str(fields.get("departement", "57"))
    db.session.add(row)
    db.session.commit()
    return row


def names(query: Query, now: datetime = THURSDAY_10H) -> list[str]:
    return [found.place.name for found in search(query, now).found]


def test_nearest_first_and_places_without_a_point_last() -> None:
    place("Loin (Thionville)", 49.3579, 6.1683)
    place("Près (Borny)", 49.1098, 6.2290)
    place("Tout près (centre)", 49.1190, 6.1770)
    place("Sans adresse connue", None, None)
    place("Autre département", None, None, departement="54", code_insee="54395")
    results = search(Query(needs=(Need.LEARN,), where="57070"), THURSDAY_10H)
    assert results.origin is not None and results.origin.label == "Metz (57070)"
    assert [f.place.name for f in results.found] == [
        "Tout près (centre)",
        "Près (Borny)",
        "Loin (Thionville)",
        "Sans adresse connue",
    ]
    near, borny, far, unplaced = results.found
    assert near.distance_text == "à 100 m"
    assert borny.distance_text == "à 4 km"
    assert far.distance_text == "à 26 km"
    assert unplaced.distance_text == "" and unplaced.map_url == ""
    assert borny.map_url.startswith("https://www.openstreetmap.org/?mlat=49.10980&mlon=6.22900")


def test_filters_need_free_accessible_pass_open_now_and_saturday() -> None:
    place("Atelier payant", 49.12, 6.18, free=False)
    place("Ordinateurs", 49.12, 6.18, needs=["device"])
    place("Accessible", 49.121, 6.18, accessible=True)
    place("Pass", 49.122, 6.18, pass_numerique=True)
    place("Samedi", 49.123, 6.18, opening_hours=SATURDAY_HOURS)
    place("Fermé le jeudi", 49.124, 6.18, opening_hours="Mo-We 09:00-17:00")
    place("Horaires illisibles", 49.125, 6.18, opening_hours="le lundi matin")
    learn = Query(needs=(Need.LEARN,), where="Metz")
    assert "Ordinateurs" not in names(learn)
    assert names(Query(needs=(Need.DEVICE,), where="Metz")) == ["Ordinateurs"]
    assert "Atelier payant" not in names(Query(needs=(Need.LEARN,), where="Metz", free=True))
    assert names(Query(needs=(Need.LEARN,), where="Metz", accessible=True)) == ["Accessible"]
    assert names(Query(needs=(Need.LEARN,), where="Metz", pass_numerique=True)) == ["Pass"]
    assert names(Query(needs=(Need.LEARN,), where="Metz", saturday=True)) == ["Samedi"]
    open_now = names(Query(needs=(Need.LEARN,), where="Metz", open_now=True))
    assert "Fermé le jeudi" not in open_now and "Horaires illisibles" not in open_now
    assert "Samedi" in open_now  # Tu-Sa 9-12, and it is Thursday 10:00
    # An unreadable value never breaks the search: the card says to ask the place.
    unreadable = next(
        f for f in search(learn, THURSDAY_10H).found if f.place.name == "Horaires illisibles"
    )
    assert unreadable.hours_unreadable and unreadable.week == [] and unreadable.open_now is None


def test_search_from_coordinates_and_unknown_places() -> None:
    place("Borny", 49.1098, 6.2290)
    results = search(Query(latitude=49.1100, longitude=6.2280), THURSDAY_10H)
    assert results.origin is not None and results.origin.departement == "57"
    assert results.found[0].distance_text == "à 80 m"
    unknown = search(Query(where="Nulle-Part-sur-Mer"), THURSDAY_10H)
    assert unknown.problem.startswith("Nous ne trouvons pas") and unknown.found == []
    assert not search(Query(), THURSDAY_10H).searched


def test_public_page_works_without_an_account_and_shows_no_personal_data(
    client: FlaskClient, make_org
) -> None:  # type: ignore[no-untyped-def]
    org = make_org(OrgKind.PRESCRIBER, slug="ccas-x", name="CCAS X")
    db.session.add(Household(organisation_id=org.id, reference_name="Famille Secrète",
                             phone="0611223344", commune="Metz", postcode="57070"))  # fmt: skip
    place("Médiathèque de Borny", 49.1098, 6.2290, opening_hours="Sa 10:00-12:30; PH off",
          phone="03 87 00 00 20", what_to_bring="Votre téléphone")  # fmt: skip
    db.session.commit()
    empty = client.get("/ou-aller")
    assert empty.status_code == 200
    assert "De quoi avez-vous besoin" in empty.get_data(as_text=True)
    response = client.get("/ou-aller?besoin=learn&lieu=57070&gratuit=1&samedi=1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Médiathèque de Borny" in html and "à 4 km" in html
    assert "Samedi : 10 h – 12 h 30" in html and "Ouvert le samedi matin" in html
    assert "Votre téléphone" in html and 'href="tel:0387000020"' in html
    assert "https://www.openstreetmap.org/?mlat=49.10980&amp;mlon=6.22900" in html
    assert "Famille Secrète" not in html and "0611223344" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]
    assert "<script>" not in html  # CSP: the only script is a file
    assert client.get("/ou-aller?lieu=zzz&lat=abc").status_code == 200


def test_rate_limit(new_app) -> None:  # type: ignore[no-untyped-def]
    limited = new_app(DIRECTORY_PER_MINUTE=2).test_client()
    statuses = [
        limited.get("/ou-aller", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_rate_limit_holds_across_workers_in_its_own_bucket(new_app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.family.rate_limit import family_rate_check, record_family_hit
    from app.loans.models import FamilyPageHit

    # Two server processes on one database: hits counted in the database, not per process.
    first = new_app(DIRECTORY_PER_MINUTE=3, FAMILY_PAGE_PER_MINUTE=2)
    second = new_app(DIRECTORY_PER_MINUTE=3, FAMILY_PAGE_PER_MINUTE=2)
    here = {"REMOTE_ADDR": "203.0.113.7"}
    statuses = [
        app.test_client().get("/ou-aller", environ_base=here).status_code
        for app in (first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 429]
    assert second.test_client().get("/ou-aller", environ_base=here).headers["Retry-After"]
    assert first.test_client().get(
        "/ou-aller", environ_base={"REMOTE_ADDR": "203.0.113.8"}
    ).status_code == 200  # another address has its own count  # fmt: skip
    with first.app_context():
        keys = set(db.session.scalars(select(FamilyPageHit.ip)))
        assert "203.0.113.7" not in keys and all(k.startswith("ou-aller:") for k in keys)
        # The family page's budget is untouched by the searches.
        assert family_rate_check("203.0.113.7").allowed
        record_family_hit("203.0.113.7", ok=True)
        record_family_hit("203.0.113.7", ok=True)
        assert not family_rate_check("203.0.113.7").allowed
        # ... and the directory's is untouched by the family page.
        for _ in range(3):
            record_family_hit("203.0.113.8", ok=False)
    other = {"REMOTE_ADDR": "203.0.113.8"}
    assert second.test_client().get("/ou-aller", environ_base=other).status_code == 200


def test_staff_view_prefilled_from_the_household(client: FlaskClient) -> None:
    ccas = factories.create_org(OrgKind.PRESCRIBER, slug="ccas-y", name="CCAS Y")
    other = factories.create_org(OrgKind.PRESCRIBER, slug="ccas-z", name="CCAS Z")
    prescriber = factories.create_user(Role.PRESCRIBER, ccas, email="p@y.local")
    outsider = factories.create_user(Role.PRESCRIBER, other, email="p@z.local")
    household = Household(organisation_id=ccas.id, reference_name="Foyer Y", phone="0600000000",
                          commune="Metz", postcode="57070", has_computer=False)  # fmt: skip
    db.session.add(household)
    db.session.commit()
    place("Atelier ordinateurs", 49.12, 6.18, needs=["device"], free=None)
    login_client(client, prescriber)
    detail = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert f"/ou-aller/foyers/{household.id}" in detail
    page = client.get(f"/ou-aller/foyers/{household.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Metz 57070"' in html
    assert 'id="besoin-device" value="device" checked' in html  # no computer at home
    assert "Atelier ordinateurs" in html and "Retour au foyer Foyer Y" in html
    # The same search can be changed from there.
    changed = client.get(f"/ou-aller/foyers/{household.id}?besoin=learn&lieu=Metz")
    assert "Atelier ordinateurs" not in changed.get_data(as_text=True)
    client.get("/deconnexion")
    other_client = client.application.test_client()
    login_client(other_client, outsider)
    assert other_client.get(f"/ou-aller/foyers/{household.id}").status_code == 404


def test_sync_own_places_from_organisations_and_training_places(app: Flask) -> None:
    from app.training import catalogue, sessions
    from app.training.matching import PriceKind

    asso = factories.create_org(OrgKind.ASSOCIATION, slug="asso-s", name="Asso S")
    asso.address, asso.postcode, asso.commune = "12 rue des Allemands", "57000", "Metz"
    lieu = factories.create_org(OrgKind.TRAINING_PLACE, slug="lieu-s", name="Lieu S")
    lieu.postcode, lieu.commune = "57070", "Metz"
    factories.create_org(OrgKind.COORDINATOR, slug="coord-s", name="Coord S")
    details = catalogue.place_for(lieu)
    details.opening_hours, details.accessible = "Sa 09:00-12:00; PH off", True
    details.booking_url = "https://rdv.example.org/lieu-s"
    data = sessions.SessionData(title="Premiers pas", themes=["demarches"],
                                price_kind=PriceKind.PASS_NUMERIQUE, bring_own_device=True)  # fmt: skip
    next_week = (utcnow() + timedelta(days=7)).date()
    sessions.create_sessions(lieu, data, next_week, time(10), 1)
    assert services.sync_own_places() == 2  # not the coordinator
    own = services.own_place(lieu)
    assert own is not None
    assert own.needs == ["learn", "procedures"] and own.pass_numerique and own.free is False
    assert own.opening_hours == "Sa 09:00-12:00; PH off" and own.accessible is True
    assert own.booking_url.endswith("/lieu-s") and "appareil" in own.what_to_bring
    # Offline: on the commune's point, and it says so.
    assert own.geocode_status == "commune" and own.departement == "57" and own.placed
    shop = services.own_place(asso)
    assert shop is not None and shop.needs == ["device"] and "prescription" in shop.what_to_bring
    # Saving the organisation's address through the admin page moves its entry.
    admin = factories.create_user(
        Role.ADMIN,
        factories.create_org(OrgKind.COORDINATOR, slug="coord-deux", name="C2"),
        email="a@c.local",
    )
    client = app.test_client()
    login_client(client, admin)
    form = {"slug": "asso-s", "name": "Asso S", "kind": "association", "commune": "Nancy",
            "postcode": "54000", "address": "1 place Stanislas", "phone": "", "email": ""}  # fmt: skip
    assert client.post(f"/admin/organisations/{asso.id}", data=form).status_code == 302
    db.session.expire_all()
    moved = services.own_place(asso)
    assert moved is not None and moved.commune == "Nancy" and moved.departement == "54"


def test_an_address_that_cannot_be_placed_tells_its_owner() -> None:
    lost = place("Lieu perdu", None, None, postcode="", commune="Atlantide", code_insee="")
    services.place_point(lost)
    assert lost.geocode_status == "failed" and not lost.placed
    assert any("Adresse introuvable" in p for p in services.owner_problems(lost))
    lost.opening_hours = "tous les jours"
    assert any("pas lisibles" in p for p in services.owner_problems(lost))


def test_the_owner_reads_what_to_fix_on_the_place_form(client: FlaskClient) -> None:
    lieu = factories.create_org(OrgKind.TRAINING_PLACE, slug="lieu-perdu", name="Lieu perdu")
    lieu.commune, lieu.postcode = "Atlantide", ""
    trainer = factories.create_user(Role.TRAINER, lieu, email="t@perdu.local")
    services.sync_own_places()
    login_client(client, trainer)
    html = client.get("/formation/mon-lieu/fiche").get_data(as_text=True)
    assert "Adresse introuvable" in html


def test_public_page_in_english_says_hours_and_distances_in_english(
    client: FlaskClient,
) -> None:
    place("Médiathèque de Borny", 49.1098, 6.2290, opening_hours="Mo-Fr 09:30-12:00; PH off")
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get("/ou-aller?besoin=learn&lieu=57070").get_data(as_text=True)
    assert "Médiathèque de Borny" in html and "4 km away" in html
    assert "Monday: 9:30 – 12:00" in html and "Sunday: Closed" in html
    assert "Fermé" not in html and "à 4 km" not in html and "Lundi" not in html
    assert "9 h 30" not in html


def test_distances_in_english_keep_a_decimal_point() -> None:
    from flask_babel import force_locale

    from app.directory.geo import format_distance
    from app.eligibility import display

    with force_locale("en"):
        english = display.speaker()
        assert format_distance(2140, english) == "2.1 km away"
        assert format_distance(450, english) == "450 m away"
        assert format_distance(12_400, english) == "12 km away"
    assert format_distance(2140) == "à 2,1 km" and format_distance(450) == "à 450 m"

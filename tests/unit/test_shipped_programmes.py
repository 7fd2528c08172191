"""Each shipped programme says what its cited source line says (pure engine, no database).

Sources (/work/shared/seeds/, DOMAIN.md section 3): 002 is the Metz study, 004 the
Eure-et-Loir study; "presse, 2022" is Emmaüs Connect's published prices. Each test names the
line it checks.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.eligibility.engine import Eligibility, evaluate
from app.eligibility.facts import Facts, Proof, StatusFact
from app.eligibility.loader import PROGRAMMES_DIR, load_directory
from app.eligibility.vocabulary import Commitment, DeviceType, Status

PROGRAMMES = {p.code: p for p in load_directory()}
DAY = date(2026, 11, 23)

CCAS = PROGRAMMES["ccas-metz-aide"]
RSA_15 = PROGRAMMES["rsa-ordinateur-15"]
PRE = PROGRAMMES["pre-pret-ordinateur"]
MISSION_LOCALE = PROGRAMMES["mission-locale-pays-messin-pret"]
PRIX = PROGRAMMES["prix-solidaires"]


def household(commune: str, postcode: str, *statuses: Status, **changes: object) -> Facts:
    base = Facts(
        statuses=tuple(StatusFact(s, Proof.DECLARED, date(2026, 11, 1)) for s in statuses),
        ages=(40,),
        reference_age=40,
        commune=commune,
        postcode=postcode,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_the_five_shipped_programmes_cite_their_lines() -> None:
    assert {code: p.source.citation for code, p in PROGRAMMES.items()} == {
        "ccas-metz-aide": "002:1559",
        "rsa-ordinateur-15": "004:18",
        "pre-pret-ordinateur": "002:1500",
        "mission-locale-pays-messin-pret": "002:1674",
        "prix-solidaires": "presse, 2022",
    }
    assert "cej-smartphone-jeunes" not in PROGRAMMES


# --------------------------------------------------------------------- 002:1559 CCAS de Metz


def test_ccas_metz_aide_is_for_metz_residents_only_002_1559() -> None:
    """002:1559: "Cette aide sera dédiée aux habitants de la Ville de Metz exclusivement"."""
    assert evaluate(CCAS, household("Metz", "57000", Status.RSA), DAY).granted
    # 57050 and 57070 are shared by Metz and neighbouring communes: the commune decides.
    assert evaluate(CCAS, household("Metz", "57050", Status.RSA), DAY).granted
    for commune, postcode in [
        ("Longeville-lès-Metz", "57050"),
        ("Le Ban-Saint-Martin", "57050"),
        ("Saint-Julien-lès-Metz", "57070"),
        ("Montigny-lès-Metz", "57950"),
        ("Amiens", "80000"),
    ]:
        decision = evaluate(CCAS, household(commune, postcode, Status.RSA), DAY)
        assert decision.eligibility is Eligibility.NOT_ELIGIBLE, commune
        assert decision.outcome is None


def test_ccas_metz_aide_is_only_envisaged_by_the_ccas_002_1559() -> None:
    """002:1559: "le CCAS envisage la mise en place d'une aide": a project, said as such."""
    text = (PROGRAMMES_DIR / "ccas-metz-aide.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == '# status: draft (002:1559: the CCAS "envisage" this aid)'
    assert "envisage" in CCAS.summary and "confirmer" in CCAS.summary
    assert "envisage" in CCAS.source.note


def test_ccas_metz_aide_is_on_a_social_workers_prescription_means_tested_002_1559() -> None:
    """002:1559: "sur conditions de ressources et sur prescription d'un travailleur social"."""
    assert "ressources" in CCAS.summary and "travailleur social" in CCAS.summary
    no_status = household("Metz", "57000")
    assert not evaluate(CCAS, no_status, DAY).granted


# --------------------------------------------------------------------- 004:18 RSA 15 EUR


def test_rsa_15_euro_computer_is_the_nogent_and_chateaudun_experiment_004_18() -> None:
    """004:18: "expérimentation par le conseil départemental (sur Nogent-le-Rotrou et
    Châteaudun) [...] revendu à un tarif de 15 € pour les bénéficiaires du RSA (avec
    engagement de passer le test PIX)"."""
    for commune, postcode in [("Châteaudun", "28200"), ("Nogent-le-Rotrou", "28400")]:
        decision = evaluate(RSA_15, household(commune, postcode, Status.RSA), DAY)
        assert decision.eligibility is Eligibility.ELIGIBLE, commune
        assert decision.outcome is not None and decision.outcome.price_eur == 15
        assert decision.to_confirm == ("Engagement à passer le test Pix",)
    # The rest of Eure-et-Loir is not part of the experiment.
    for commune, postcode in [("Chartres", "28000"), ("Dreux", "28100")]:
        decision = evaluate(RSA_15, household(commune, postcode, Status.RSA), DAY)
        assert decision.eligibility is Eligibility.NOT_ELIGIBLE, commune
        assert decision.outcome is None


def test_rsa_15_euro_computer_asks_for_the_pix_commitment_004_18() -> None:
    """004:18: "avec engagement de passer le test PIX"; for RSA recipients only."""
    refused = household("Châteaudun", "28200", Status.RSA, commitments=frozenset())
    assert evaluate(RSA_15, refused, DAY).eligibility is Eligibility.ALMOST
    agreed = household(
        "Châteaudun", "28200", Status.RSA, commitments=frozenset({Commitment.PIX_TEST})
    )
    assert evaluate(RSA_15, agreed, DAY).granted
    aah = household("Châteaudun", "28200", Status.AAH)
    assert evaluate(RSA_15, aah, DAY).eligibility is Eligibility.NOT_ELIGIBLE


def test_rsa_15_euro_computer_says_it_is_the_departements_experiment_004_18() -> None:
    words = "expérimentation du conseil départemental"
    assert words in RSA_15.summary.lower().replace("\n", " ")
    assert words in RSA_15.territory
    assert words in RSA_15.source.title or words in RSA_15.source.note
    assert "internet" in RSA_15.summary  # "+ facilité d'accès à internet"


# --------------------------------------------------------------------- 002:1500 PRE


def pre_family(commune: str, postcode: str, *, child: int = 10, qpv: bool = True) -> Facts:
    return Facts(
        statuses=(StatusFact(Status.PRE_FAMILY),),
        ages=(38, child),
        reference_age=38,
        commune=commune,
        postcode=postcode,
        qpv=qpv,
    )


def test_pre_loan_is_the_ville_de_metz_and_ccas_scheme_002_1500() -> None:
    """002:1500: "la Ville de Metz et son CCAS ont mis en place un dispositif permettant
    d'équiper [...] des familles concernées par le programme de réussite éducative"."""
    decision = evaluate(PRE, pre_family("Metz", "57070"), DAY)
    assert decision.granted
    assert decision.outcome_dict()["mode"] == "loan"  # type: ignore[index]
    refused = evaluate(PRE, pre_family("Amiens", "80080"), DAY)
    assert refused.eligibility is Eligibility.NOT_ELIGIBLE and refused.outcome is None


@pytest.mark.parametrize(("child", "granted"), [(1, False), (2, True), (16, True), (17, False)])
def test_pre_loan_is_for_children_of_2_to_16_in_a_qpv_002_1500(child: int, granted: bool) -> None:
    """002:1500: "accompagnement social des enfants de 2 à 16 ans en QPV"."""
    assert evaluate(PRE, pre_family("Metz", "57070", child=child), DAY).granted is granted
    outside_qpv = pre_family("Metz", "57070", child=child, qpv=False)
    assert not evaluate(PRE, outside_qpv, DAY).granted


# --------------------------------------------------------------------- 002:1674 Mission locale


def young(commune: str = "Metz", age: int = 19, **changes: object) -> Facts:
    base = Facts(
        statuses=(StatusFact(Status.YOUNG_NEET),),
        ages=(age,),
        reference_age=age,
        commune=commune,
        postcode="57000" if commune == "Metz" else "",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_mission_locale_lends_a_computer_or_tablet_not_a_smartphone_002_1674() -> None:
    """002:1674: "la mise à disposition d'ordinateurs, le prêt de tablettes [...] pour les
    jeunes n'ayant pas d'outil numérique"."""
    assert set(MISSION_LOCALE.device_types) == {
        DeviceType.LAPTOP,
        DeviceType.DESKTOP,
        DeviceType.TABLET,
    }
    decision = evaluate(MISSION_LOCALE, young(), DAY, DeviceType.TABLET)
    assert decision.granted and decision.matches_need
    assert decision.outcome_dict()["mode"] == "loan"  # type: ignore[index]
    assert not evaluate(MISSION_LOCALE, young(), DAY, DeviceType.SMARTPHONE).matches_need
    assert not evaluate(MISSION_LOCALE, young(has_computer=True), DAY).granted


@pytest.mark.parametrize(("age", "granted"), [(15, False), (16, True), (25, True), (26, False)])
def test_mission_locale_loan_is_for_neet_16_to_25_002_1674(age: int, granted: bool) -> None:
    """002:1674: "aux 16-25 ans [...] qui ne sont ni en emploi, ni en formation, ni en étude"."""
    assert evaluate(MISSION_LOCALE, young(age=age), DAY).granted is granted
    not_neet = young(age=age, statuses=(StatusFact(Status.JOB_SEEKER),))
    assert not evaluate(MISSION_LOCALE, not_neet, DAY).granted


def test_mission_locale_loan_is_on_the_pays_messin_not_france_wide_002_1674() -> None:
    """002:1674: the "Mission locale du Pays messin"; its exact area is to be confirmed."""
    assert evaluate(MISSION_LOCALE, young("Metz"), DAY).granted
    assert not evaluate(MISSION_LOCALE, young("Amiens"), DAY).granted
    assert "Pays messin" in MISSION_LOCALE.territory
    assert "confirmer" in MISSION_LOCALE.source.note
    assert "Garantie jeunes" in MISSION_LOCALE.source.title


# --------------------------------------------------------------------- presse, 2022


def test_solidarity_prices_stay_under_emmaus_connects_2022_caps_presse_2022() -> None:
    """Press, 2022: laptops at most 150 EUR, smartphones at most 100 EUR, on a social
    worker's referral (the prescription)."""
    assert set(PRIX.device_types) == {DeviceType.LAPTOP, DeviceType.SMARTPHONE}
    decision = evaluate(PRIX, household("Amiens", "80000", Status.CSS), DAY)
    assert decision.granted
    outcome = decision.outcome_dict()
    assert outcome is not None and outcome["mode"] == "sale"
    assert max(outcome["price_grid"]["laptop"].values()) == 150
    assert max(outcome["price_grid"]["smartphone"].values()) == 100
    assert "travailleur social" in PRIX.summary

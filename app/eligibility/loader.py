"""Programme files (YAML) -> Programme objects, refusing a bad file with its line and fault.

Pure module (PyYAML only). A file describes one programme::

    code: rsa-ordinateur-15
    name: Ordinateur solidaire RSA
    summary: ...
    device_types: [laptop, desktop]
    valid_from: 2023-01-01
    valid_to: null
    source: {citation: "004:18", title: ...}
    parameters:
      price_eur:
        description: Prix de vente
        values: {2023-01-01: 15}
    conditions:
      - statuses: {any_of: [rsa], proof: declared}
      - quota: {max: 1, per: year}
    outcome: {kind: sale, price_eur: {param: price_eur}}

Checked at start-up: any fault stops the application with "file, ligne N : fault".
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.core.urls import url_problem
from app.eligibility.conditions import QuotaCondition
from app.eligibility.programme import (
    PERIODS,
    Condition,
    Envelope,
    OutcomeKind,
    OutcomeSpec,
    Parameter,
    ParamValue,
    Programme,
    Source,
)
from app.eligibility.reading import (
    CODE,
    CONDITIONS,
    LineDict,
    LineList,
    ProgrammeFileError,
    _Loader,
    _quota,
    _Reader,
)
from app.eligibility.vocabulary import DeviceType, Grade

__all__ = ["PROGRAMMES_DIR", "ProgrammeFileError", "load_directory", "parse"]

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"


# --------------------------------------------------------------------- programme


def _parameters(r: _Reader, raw: Any, line: int) -> dict[str, Parameter]:
    if raw is None:
        return {}
    data = r.mapping(raw, line, "parameters")
    parameters = {}
    for name, spec_raw in data.items():
        name_line = data.lines[name]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise r.fail(name_line, f"nom de paramètre invalide « {name} » (minuscules et _)")
        spec = r.mapping(spec_raw, name_line, f"paramètre {name}")
        r.keys(spec, {"description", "values"}, {"unit"}, f"paramètre {name}")
        values = r.mapping(spec["values"], spec.lines["values"], f"values de {name}")
        dated: list[tuple[date, ParamValue | None]] = []
        for start, value in values.items():
            value_line = values.lines[start]
            if not isinstance(start, date):
                raise r.fail(value_line, f"{name} : chaque valeur commence à une date AAAA-MM-JJ")
            if value is not None and not _param_value_ok(value):
                raise r.fail(value_line, f"{name} : valeur non reconnue « {value} »")
            dated.append((start, _plain(value)))
        if not dated:
            raise r.fail(spec.lines["values"], f"{name} : au moins une valeur datée est attendue")
        dated.sort(key=lambda item: item[0])
        parameters[name] = Parameter(
            name, r.text(spec, "description"), tuple(dated), str(spec.get("unit", ""))
        )
    return parameters


def _param_value_ok(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | str):
        return True
    if isinstance(value, dict):  # a price grid: device type -> grade -> price
        return all(isinstance(v, dict | int) for v in value.values())
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _outcome(r: _Reader, raw: Any, line: int) -> OutcomeSpec:
    data = r.mapping(raw, line, "outcome")
    r.keys(
        data,
        {"kind"},
        {
            "price_eur",
            "price_grid",
            "warranty_months",
            "loan_months",
            "deposit_eur",
            "cession_after_months",
            "terms",
        },
        "outcome",
    )
    (kind,) = r.enum_list(data["kind"], data.lines["kind"], OutcomeKind, "kind")
    grid = None
    if "price_grid" in data:
        grid_raw = r.mapping(data["price_grid"], data.lines["price_grid"], "price_grid")
        grid = r.ref(grid_raw, data.lines["price_grid"])
    if kind is OutcomeKind.SALE and "price_eur" not in data and grid is None:
        raise r.fail(line, "une vente (kind: sale) demande price_eur ou price_grid")
    return OutcomeSpec(
        kind=kind,
        price_eur=r.optional_value(data, "price_eur"),
        price_grid=grid,
        warranty_months=r.optional_value(data, "warranty_months"),
        loan_months=r.optional_value(data, "loan_months"),
        deposit_eur=r.optional_value(data, "deposit_eur"),
        cession_after_months=r.optional_value(data, "cession_after_months"),
        terms=str(data.get("terms", "") or "").strip(),
    )


def _envelope(r: _Reader, raw: Any, line: int) -> Envelope:
    data = r.mapping(raw, line, "envelope")
    r.keys(data, set(), {"max_grants", "max_eur", "grant_eur", "per"}, "envelope")
    per = data.get("per", "ever")
    if per not in PERIODS:
        raise r.fail(
            data.lines.get("per", line),
            f"per : « {per} » inconnu (valeurs possibles : ever, year, month)",
        )
    max_grants = r.optional_value(data, "max_grants")
    max_eur = r.optional_value(data, "max_eur")
    grant_eur = r.optional_value(data, "grant_eur")
    if max_grants is None and max_eur is None:
        raise r.fail(line, "envelope demande max_grants (nombre d'attributions) ou max_eur")
    if max_eur is not None and grant_eur is None:
        raise r.fail(line, "envelope : max_eur demande grant_eur (euros pris par attribution)")
    return Envelope(max_grants, max_eur, grant_eur, per)


def campaign_end(start: date, months: int) -> date:
    """The last day of a campaign of ``months`` months starting on ``start``."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, _days_in(year, month))
    return date.fromordinal(date(year, month, day).toordinal() - 1)


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def _check_grid(r: _Reader, parameter: Parameter, line: int) -> None:
    for start, value in parameter.values:
        if value is None:
            continue
        if not isinstance(value, dict):
            raise r.fail(line, f"{parameter.name} ({start}) : une grille de prix est attendue")
        for device, prices in value.items():
            if device not in DeviceType.__members__.values():
                raise r.fail(line, f"{parameter.name} : type d'appareil inconnu « {device} »")
            if not isinstance(prices, dict) or not prices:
                raise r.fail(line, f"{parameter.name} : prix par état attendus pour {device}")
            for grade, price in prices.items():
                if grade not in Grade.__members__.values():
                    raise r.fail(line, f"{parameter.name} : état inconnu « {grade} »")
                if isinstance(price, bool) or not isinstance(price, int) or price < 0:
                    raise r.fail(line, f"{parameter.name} : prix invalide pour {device} {grade}")


def parse(text: str, path: str) -> Programme:
    """One programme file's text -> Programme, or ProgrammeFileError."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (our SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ProgrammeFileError(path, line, f"YAML illisible : {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ProgrammeFileError(path, 1, f"YAML illisible : {exc}") from None
    r = _Reader(path)
    data = r.mapping(data, 1, "le fichier")
    r.keys(
        data,
        {
            "code",
            "name",
            "summary",
            "device_types",
            "valid_from",
            "source",
            "conditions",
            "outcome",
        },
        {"valid_to", "campaign_months", "parameters", "territory", "priority", "envelope"},
        "le programme",
    )
    code = r.text(data, "code")
    if not CODE.match(code):
        raise r.fail(
            data.lines["code"], "code : minuscules, chiffres et tirets (ex. rsa-ordinateur)"
        )
    valid_from = r.day(data, "valid_from")
    assert valid_from is not None
    valid_to = r.day(data, "valid_to", nullable=True)
    if valid_to is not None and valid_to < valid_from:
        raise r.fail(data.lines["valid_to"], "valid_to est avant valid_from")
    campaign_months = None
    if data.get("campaign_months") is not None:
        line = data.lines["campaign_months"]
        campaign_months = r.integer(data["campaign_months"], line, "campaign_months")
        if campaign_months < 1:
            raise r.fail(line, "campaign_months : une campagne dure au moins un mois")
        if valid_to is not None:
            raise r.fail(line, "campaign_months ou valid_to, pas les deux")
        valid_to = campaign_end(valid_from, campaign_months)
    device_types = r.enum_list(
        data["device_types"], data.lines["device_types"], DeviceType, "device_types"
    )
    source_data = r.mapping(data["source"], data.lines["source"], "source")
    r.keys(source_data, {"citation"}, {"title", "url", "note", "date"}, "source")
    source_day = r.day(source_data, "date", nullable=True)
    source = Source(
        r.text(source_data, "citation"),
        str(source_data.get("title", "") or ""),
        str(source_data.get("url", "") or ""),
        str(source_data.get("note", "") or ""),
        source_day.isoformat() if source_day else "",
    )
    if url_problem(source.url):  # http(s) only
        raise r.fail(data.lines["source"], f"source.url : {url_problem(source.url)}")
    parameters = _parameters(r, data.get("parameters"), data.lines.get("parameters", 1))

    raw_conditions = data["conditions"]
    if not isinstance(raw_conditions, LineList) or not raw_conditions:
        raise r.fail(data.lines["conditions"], "conditions : une liste non vide est attendue")
    conditions: list[Condition] = []
    for item, line in zip(raw_conditions, raw_conditions.lines, strict=True):
        if not isinstance(item, LineDict) or len(item) != 1:
            raise r.fail(line, "chaque condition est « type: réglages » (un seul type par tiret)")
        ((kind, settings),) = item.items()
        reader = CONDITIONS.get(kind)
        if reader is None:
            known = ", ".join(CONDITIONS)
            raise r.fail(line, f"condition inconnue « {kind} » (conditions possibles : {known})")
        if kind == "quota":
            conditions.append(_quota(r, settings, line, code))
        else:
            conditions.append(reader(r, settings, line))
    if sum(isinstance(c, QuotaCondition) for c in conditions) > 1:
        raise r.fail(data.lines["conditions"], "un seul quota par programme")

    outcome = _outcome(r, data["outcome"], data.lines["outcome"])
    envelope = None
    if data.get("envelope") is not None:
        envelope = _envelope(r, data["envelope"], data.lines["envelope"])
    for name, line in r.param_refs:
        if name not in parameters:
            raise r.fail(line, f"paramètre « {name} » non déclaré dans parameters")
        if parameters[name].at(valid_from) is None:
            raise r.fail(
                line,
                f"le paramètre « {name} » n'a pas de valeur au début du programme ({valid_from})",
            )
    if outcome.price_grid is not None:
        _check_grid(r, parameters[outcome.price_grid.name], data.lines["outcome"])
    priority = r.integer(data.get("priority", 100), data.lines.get("priority", 1), "priority")
    return Programme(
        code=code,
        name=r.text(data, "name"),
        summary=r.text(data, "summary"),
        device_types=device_types,
        valid_from=valid_from,
        valid_to=valid_to,
        conditions=tuple(conditions),
        outcome=outcome,
        source=source,
        parameters=parameters,
        territory=str(data.get("territory", "") or ""),
        priority=priority,
        path=path,
        envelope=envelope,
        campaign_months=campaign_months,
    )


def load_file(path: Path, shown_as: str | None = None) -> Programme:
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgrammeFileError(name, 1, f"fichier illisible : {exc}") from None
    return parse(text, name)


def load_directory(directory: Path = PROGRAMMES_DIR) -> tuple[Programme, ...]:
    """Every ``*.yaml`` file of the directory; two files with one code are refused."""
    programmes: dict[str, Programme] = {}
    for path in sorted(directory.glob("*.yaml")):
        shown = _shown(path)
        programme = load_file(path, shown)
        if programme.code in programmes:
            raise ProgrammeFileError(
                shown,
                1,
                f"code « {programme.code} » déjà pris par {programmes[programme.code].path}",
            )
        programmes[programme.code] = programme
    return tuple(sorted(programmes.values(), key=lambda p: (p.priority, p.code)))


def _shown(path: Path) -> str:
    """Paths relative to the project when possible: shorter messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------- stored definitions
#
# A programme kept in the database is its file's data as JSON ("the definition"): the same
# vocabulary, with dates written AAAA-MM-JJ. These turn one form into the other.

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def definition_from_yaml(text: str, path: str) -> dict[str, Any]:
    """A programme file's text -> its definition (checked: ProgrammeFileError if bad)."""
    parse(text, path)
    data = yaml.safe_load(text)
    return _jsonable(data)  # type: ignore[no-any-return]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {_jsonable_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _jsonable_key(key: Any) -> Any:
    return key.isoformat() if isinstance(key, date) else key


def _with_dates(value: Any) -> Any:
    """The inverse of _jsonable: AAAA-MM-JJ texts become dates again (keys and values)."""
    if isinstance(value, dict):
        return {_with_dates(k): _with_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_dates(v) for v in value]
    if isinstance(value, str) and _DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def definition_to_yaml(definition: dict[str, Any]) -> str:
    """The definition as a programme file (the same text another territory imports)."""
    return yaml.safe_dump(_with_dates(definition), allow_unicode=True, sort_keys=False, width=100)


def from_definition(definition: dict[str, Any], name: str) -> Programme:
    """A stored definition -> Programme, checked like a file (faults name ``name``)."""
    return parse(definition_to_yaml(definition), name)

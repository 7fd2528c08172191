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
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.eligibility.conditions import (
    EQUIPMENT,
    CommitmentCondition,
    HouseholdSizeCondition,
    LocationCondition,
    MemberAgeCondition,
    NoEquipmentCondition,
    QpvCondition,
    QuotaCondition,
    StatusesCondition,
)
from app.eligibility.facts import Proof
from app.eligibility.programme import (
    PERIODS,
    Condition,
    Envelope,
    OutcomeKind,
    OutcomeSpec,
    Parameter,
    ParamRef,
    ParamValue,
    Programme,
    Source,
    Value,
)
from app.eligibility.vocabulary import Commitment, DeviceType, Grade, Status

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}$")


class ProgrammeFileError(Exception):
    """A programme file is refused: ``str()`` names the file, the line and the fault."""

    def __init__(self, path: str, line: int, fault: str) -> None:
        super().__init__(f"{path}, ligne {line} : {fault}")
        self.path = path
        self.line = line
        self.fault = fault


# --------------------------------------------------------------------- YAML with lines


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of itself and of each of its keys (1-based)."""

    line = 0
    lines: dict[Any, int]


class LineList(list[Any]):
    line = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in result
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "clé invalide", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé « {key} » en double", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


# --------------------------------------------------------------------- checking


class _Reader:
    """Reads one file's data, raising ProgrammeFileError at the right line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.param_names: set[str] = set()
        self.param_refs: list[tuple[str, int]] = []

    def fail(self, line: int, fault: str) -> ProgrammeFileError:
        return ProgrammeFileError(self.path, line, fault)

    def mapping(self, value: Any, line: int, what: str) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.fail(line, f"{what} : un dictionnaire (clé: valeur) est attendu")
        return value

    def keys(self, data: LineDict, required: set[str], optional: set[str], what: str) -> None:
        for key in data:
            if key not in required and key not in optional:
                known = ", ".join(sorted(required | optional))
                raise self.fail(
                    data.lines[key],
                    f"clé inconnue « {key} » dans {what} (clés possibles : {known})",
                )
        for key in sorted(required):
            if key not in data:
                raise self.fail(data.line, f"clé obligatoire « {key} » absente de {what}")

    def text(self, data: LineDict, key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                data.lines.get(key, data.line), f"« {key} » doit être un texte non vide"
            )
        return value.strip()

    def day(self, data: LineDict, key: str, nullable: bool = False) -> date | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        if not isinstance(value, date):
            raise self.fail(
                data.lines.get(key, data.line), f"« {key} » doit être une date AAAA-MM-JJ"
            )
        return value

    def integer(self, value: Any, line: int, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(line, f"{what} doit être un nombre entier positif ou nul")
        return value

    def value(self, data: LineDict, key: str, default: Value | None = None) -> Value:
        line = data.lines.get(key, data.line)
        raw = data.get(key, default)
        if raw is None:
            raise self.fail(line, f"« {key} » est obligatoire")
        if isinstance(raw, ParamRef):
            return raw
        if isinstance(raw, LineDict):
            return self.ref(raw, line)
        return self.integer(raw, line, f"« {key} »")

    def optional_value(self, data: LineDict, key: str) -> Value | None:
        return self.value(data, key) if key in data and data[key] is not None else None

    def ref(self, raw: LineDict, line: int) -> ParamRef:
        if set(raw) != {"param"} or not isinstance(raw["param"], str):
            raise self.fail(line, "une valeur est un nombre ou {param: nom_du_paramètre}")
        self.param_refs.append((raw["param"], line))
        return ParamRef(raw["param"])

    def enum_list(self, raw: Any, line: int, enum: type[Any], what: str) -> tuple[Any, ...]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            raise self.fail(line, f"{what} : une liste non vide est attendue")
        lines = getattr(raw, "lines", [line] * len(raw))
        items = []
        for item, item_line in zip(raw, lines, strict=True):
            try:
                items.append(enum(item))
            except ValueError:
                known = ", ".join(m.value for m in enum)
                raise self.fail(
                    item_line, f"{what} : valeur inconnue « {item} » (valeurs possibles : {known})"
                ) from None
        return tuple(items)

    def str_list(self, raw: Any, line: int, what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str | int):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str | int) for x in raw):
            raise self.fail(line, f"{what} : une liste de textes est attendue")
        return tuple(str(x).strip() for x in raw)


# --------------------------------------------------------------------- conditions

ConditionReader = Callable[[_Reader, Any, int], Condition]


def _statuses(r: _Reader, raw: Any, line: int) -> Condition:
    data = r.mapping(raw, line, "statuses")
    r.keys(data, set(), {"any_of", "all_of", "proof"}, "statuses")
    modes = [m for m in ("any_of", "all_of") if m in data]
    if len(modes) != 1:
        raise r.fail(data.line, "statuses demande soit « any_of », soit « all_of »")
    mode = modes[0]
    statuses = r.enum_list(data[mode], data.lines[mode], Status, mode)
    proof_word = data.get("proof", "declared")
    proofs = {"declared": Proof.DECLARED, "document_seen": Proof.DOCUMENT_SEEN}
    if proof_word not in proofs:
        raise r.fail(
            data.lines.get("proof", data.line),
            f"proof : valeur inconnue « {proof_word} » (valeurs possibles : declared, document_seen)",
        )
    return StatusesCondition(statuses, mode, proofs[proof_word], line=line)


def _member_age(r: _Reader, raw: Any, line: int) -> Condition:
    data = r.mapping(raw, line, "member_age")
    r.keys(data, {"min", "max"}, {"at_least", "who"}, "member_age")
    who = data.get("who", "any")
    if who not in ("any", "reference"):
        raise r.fail(data.lines.get("who", line), "who : « any » ou « reference » attendu")
    at_least = r.integer(data.get("at_least", 1), data.lines.get("at_least", line), "at_least")
    low, high = r.value(data, "min"), r.value(data, "max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        raise r.fail(data.line, f"âge minimum ({low}) plus grand que l'âge maximum ({high})")
    return MemberAgeCondition(low, high, max(at_least, 1), who, line=line)


def _location(r: _Reader, raw: Any, line: int) -> Condition:
    data = r.mapping(raw, line, "location")
    r.keys(data, set(), {"communes", "postcodes", "departments"}, "location")
    communes = r.str_list(data.get("communes"), data.lines.get("communes", line), "communes")
    postcodes = r.str_list(data.get("postcodes"), data.lines.get("postcodes", line), "postcodes")
    departments = r.str_list(
        data.get("departments"), data.lines.get("departments", line), "departments"
    )
    for code in postcodes:
        if not re.fullmatch(r"\d[\dAB]\d{3}", code):
            raise r.fail(data.lines["postcodes"], f"code postal invalide « {code} »")
    if not (communes or postcodes or departments):
        raise r.fail(line, "location demande communes, postcodes ou departments")
    return LocationCondition(communes, postcodes, departments, line=line)


def _qpv(r: _Reader, raw: Any, line: int) -> Condition:
    if raw is not True:
        raise r.fail(line, "qpv s'écrit « qpv: true »")
    return QpvCondition(line=line)


def _household_size(r: _Reader, raw: Any, line: int) -> Condition:
    data = r.mapping(raw, line, "household_size")
    r.keys(data, set(), {"min", "max"}, "household_size")
    if not data:
        raise r.fail(line, "household_size demande min ou max")
    return HouseholdSizeCondition(
        r.optional_value(data, "min"), r.optional_value(data, "max"), line=line
    )


def _no_equipment(r: _Reader, raw: Any, line: int) -> Condition:
    items = r.str_list(raw, line, "no_equipment")
    for item in items:
        if item not in EQUIPMENT:
            known = ", ".join(sorted(EQUIPMENT))
            raise r.fail(line, f"no_equipment : « {item} » inconnu (valeurs possibles : {known})")
    if not items:
        raise r.fail(line, "no_equipment : une liste non vide est attendue")
    return NoEquipmentCondition(items, line=line)


def _quota(r: _Reader, raw: Any, line: int, code: str = "") -> Condition:
    data = r.mapping(raw, line, "quota")
    r.keys(data, {"max"}, {"per", "key"}, "quota")
    per = data.get("per", "year")
    if per not in PERIODS:
        raise r.fail(
            data.lines.get("per", line),
            f"per : « {per} » inconnu (valeurs possibles : year, month, ever)",
        )
    key = data.get("key", code)
    if not isinstance(key, str) or not CODE.match(key):
        raise r.fail(data.lines.get("key", line), "key : minuscules, chiffres et tirets")
    return QuotaCondition(key, r.value(data, "max"), per, line=line)


def _commitment(r: _Reader, raw: Any, line: int) -> Condition:
    (commitment,) = r.enum_list(raw, line, Commitment, "commitment")[:1]
    return CommitmentCondition(commitment, line=line)


CONDITIONS: dict[str, ConditionReader] = {
    "statuses": _statuses,
    "member_age": _member_age,
    "location": _location,
    "qpv": _qpv,
    "household_size": _household_size,
    "no_equipment": _no_equipment,
    "quota": _quota,
    "commitment": _commitment,
}


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

"""Reading a programme file's YAML: every value with its line, and one reader per kind of
condition, each refusing a fault with the line and a French message. Pure module (PyYAML
only); ``loader.parse`` puts the programme together."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
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
from app.eligibility.programme import PERIODS, Condition, ParamRef, Value
from app.eligibility.vocabulary import Commitment, Status

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

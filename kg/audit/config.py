"""Audit configuration from a TOML file: switch rules off, change severities and parameters,
add SPARQL rule files.

.. code-block:: toml

    [audit]
    disable = ["ladder.point_scale"]
    sparql_rules = ["my_rules/empty_basis.rq"]   # relative to this file
    view_link = "views/tree.html#node={anchor}"  # where evidence links point

    [rules."indicator.restates_text"]
    severity = "info"
    min_substring = 10
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.audit.registry import RULES
from kg.errors import KgError
from kg.model import SEVERITIES

ANCHOR = "{anchor}"
"""The one placeholder of ``view_link``: the URL-encoded node IRI (replaced as plain text)."""
DEFAULT_VIEW_LINK = "tree.html#node=" + ANCHOR
"""Evidence links into the graph views (docs/views.md deep links: ``#node=<url-encoded IRI>``)."""


@dataclass
class AuditConfig:
    disabled: set[str] = field(default_factory=set)
    severities: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    sparql_rules: list[Path] = field(default_factory=list)
    view_link: str = DEFAULT_VIEW_LINK
    allow_service: tuple[str, ...] = ()
    """Hosts SPARQL rules may reach with ``SERVICE`` (``kg audit --allow-service``; not TOML)."""
    rule_timeout: float = 60.0
    """Seconds one custom SPARQL rule may run (``[audit] rule_timeout``; 0 = no limit)."""


def _view_link(value: Any, path: Path) -> str:
    """A link template with exactly the ``{anchor}`` placeholder and no other braces."""
    if not isinstance(value, str):
        raise KgError("[audit] view_link must be a string", str(path))
    rest = value.replace(ANCHOR, "")
    if ANCHOR not in value or "{" in rest or "}" in rest:
        raise KgError(
            f"[audit] view_link must contain {ANCHOR} and no other braces, got {value!r}",
            str(path),
        )
    return value


def _json_type(value: Any) -> dict[str, Any]:
    """The JSON Schema of a parameter, from the type of its default value."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }


def config_schema() -> dict[str, Any]:
    """The JSON Schema of an audit TOML file, built from the registered rules and their
    parameters (so a new rule or parameter needs no change here)."""
    rule_ids = sorted(RULES)
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "audit": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "disable": {"type": "array", "items": {"enum": rule_ids}},
                    "sparql_rules": {"type": "array", "items": {"type": "string"}},
                    "view_link": {"type": "string"},
                    "rule_timeout": {"type": "number", "minimum": 0},
                },
            },
            "rules": {
                "type": "object",
                "propertyNames": {"enum": rule_ids},
                "additionalProperties": {"type": "object"},
                "properties": {
                    rule_id: {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "enabled": {"type": "boolean"},
                            "severity": {"enum": list(SEVERITIES)},
                            **{name: _json_type(v) for name, v in RULES[rule_id].params.items()},
                        },
                    }
                    for rule_id in rule_ids
                },
            },
        },
    }


def _schema_error(error: Any) -> str:
    """One line for a JSON Schema violation, in the words of the config file: which rule,
    which key, what is allowed."""
    path = list(error.absolute_path)
    where = ".".join(map(str, path)) or "top level"
    rule_id = path[1] if len(path) >= 2 and path[0] == "rules" else None
    if error.validator == "additionalProperties":
        unexpected = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if not path:
            return f"unknown section(s) {unexpected}; use [audit] and [rules.ID]"
        if rule_id is not None:
            names = ", ".join(RULES[rule_id].params) or "none"
            return f"rule {rule_id} has no parameter {unexpected[0]!r} (parameters: {names})"
        return f"unknown [{where}] key(s) {unexpected}"
    if error.validator == "enum" and error.validator_value == list(SEVERITIES):
        return (
            f"rule {rule_id}: severity must be one of {', '.join(SEVERITIES)}, "
            f"not {error.instance!r}"
        )
    if error.validator == "enum" or error.validator == "propertyNames":
        name = error.instance if error.validator == "enum" else error.message.split("'")[1]
        return f"unknown rule {name!r} (known rules: {', '.join(sorted(RULES))})"
    if error.validator == "type" and rule_id is not None and len(path) >= 3:
        wanted = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}
        kind = wanted.get(error.validator_value, error.validator_value)
        return f"rule {rule_id}: parameter {path[2]!r} must be {kind}, not {error.instance!r}"
    return f"{where}: {error.message}"


def _read_toml(path: Path) -> dict:
    """The parsed TOML file; every way reading it fails is one line naming the file."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KgError("config file not found", str(path)) from None
    except OSError as exc:
        raise KgError(f"cannot read the config: {exc.strerror or exc}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise KgError(
            f"not UTF-8 text (byte {exc.start}); save the config as UTF-8", str(path)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise KgError(f"not valid TOML: {exc}", str(path)) from None
    except RecursionError:
        raise KgError("not valid TOML: nested too deeply", str(path)) from None


def _apply_rule_settings(config: AuditConfig, rules: dict, path: Path) -> None:
    """``[rules.<id>]`` tables: ``enabled``, ``severity`` and the rule's own parameters."""
    for rule_id, settings in rules.items():
        settings = dict(settings)
        if settings.pop("enabled", True) is False:
            config.disabled.add(rule_id)
        if "severity" in settings:
            config.severities[rule_id] = settings.pop("severity")
        for name, value in settings.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise KgError(
                    f"rule {rule_id}: parameter {name!r} must be a finite number, not {value}",
                    str(path),
                )
        config.params[rule_id] = settings


def load_config(path: str | Path) -> AuditConfig:
    """Read and validate an audit TOML file; every mistake is a one-line :class:`KgError`
    naming the file and the key (a JSON Schema check, :func:`config_schema`)."""
    import jsonschema

    path = Path(path)
    data = _read_toml(path)
    errors = sorted(
        jsonschema.Draft202012Validator(config_schema()).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        raise KgError(_schema_error(errors[0]), str(path))
    config = AuditConfig()
    audit = data.get("audit", {})
    config.disabled.update(audit.get("disable", []))
    config.sparql_rules.extend((path.parent / rq).resolve() for rq in audit.get("sparql_rules", []))
    if "view_link" in audit:
        config.view_link = _view_link(audit["view_link"], path)
    if "rule_timeout" in audit:
        if not math.isfinite(audit["rule_timeout"]):
            raise KgError("[audit] rule_timeout must be a finite number of seconds", str(path))
        config.rule_timeout = float(audit["rule_timeout"])
    _apply_rule_settings(config, data.get("rules", {}), path)
    return config

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


def _check_rule_id(rule_id: str, path: Path) -> None:
    if rule_id not in RULES:
        known = ", ".join(sorted(RULES))
        raise KgError(f"unknown rule {rule_id!r} (known rules: {known})", str(path))


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


def load_config(path: str | Path) -> AuditConfig:
    """Read and validate an audit TOML file; every mistake is a one-line :class:`KgError`."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KgError("config file not found", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise KgError(f"not valid TOML: {exc}", str(path)) from None
    unknown = set(data) - {"audit", "rules"}
    if unknown:
        raise KgError(
            f"unknown section(s) {sorted(unknown)}; use [audit] and [rules.ID]", str(path)
        )
    config = AuditConfig()
    audit = data.get("audit", {})
    extra = set(audit) - {"disable", "sparql_rules", "view_link"}
    if extra:
        raise KgError(f"unknown [audit] key(s) {sorted(extra)}", str(path))
    for rule_id in audit.get("disable", []):
        _check_rule_id(rule_id, path)
        config.disabled.add(rule_id)
    for rq in audit.get("sparql_rules", []):
        config.sparql_rules.append((path.parent / rq).resolve())
    if "view_link" in audit:
        config.view_link = _view_link(audit["view_link"], path)
    for rule_id, settings in data.get("rules", {}).items():
        _check_rule_id(rule_id, path)
        if not isinstance(settings, dict):
            raise KgError(f"[rules.{rule_id!r}] must be a table", str(path))
        settings = dict(settings)
        if settings.pop("enabled", True) is False:
            config.disabled.add(rule_id)
        if "severity" in settings:
            severity = settings.pop("severity")
            if severity not in SEVERITIES:
                raise KgError(
                    f"rule {rule_id}: severity must be one of {', '.join(SEVERITIES)}, "
                    f"not {severity!r}",
                    str(path),
                )
            config.severities[rule_id] = severity
        allowed = RULES[rule_id].params
        for name, value in settings.items():
            if name not in allowed:
                raise KgError(
                    f"rule {rule_id} has no parameter {name!r} "
                    f"(parameters: {', '.join(allowed) or 'none'})",
                    str(path),
                )
            if not isinstance(value, type(allowed[name])) and not (
                isinstance(allowed[name], float) and isinstance(value, int)
            ):
                raise KgError(
                    f"rule {rule_id}: parameter {name!r} must be {type(allowed[name]).__name__}",
                    str(path),
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise KgError(
                    f"rule {rule_id}: parameter {name!r} must be a finite number, not {value}",
                    str(path),
                )
        config.params[rule_id] = settings
    return config

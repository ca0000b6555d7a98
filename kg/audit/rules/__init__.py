"""Importing this package registers every built-in rule in :data:`kg.audit.registry.RULES`."""

from kg.audit.rules import copies, indicator, ladder, structure, template

__all__ = ["copies", "indicator", "ladder", "structure", "template"]

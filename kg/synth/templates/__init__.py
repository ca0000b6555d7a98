"""A synthetic corpus of the national performance-table templates, with an answer key.

The three templates of layouts.md §1 (项目支出绩效目标表, 部门整体支出绩效目标表,
项目支出绩效自评表) are drawn from ``(seed, index)`` (:func:`make_document`), laid out as grids with
real spans, and written in the formats governments publish. Each document's answer key lists the
values exactly as printed, so readers and table understanding are judged on the files themselves
(:func:`kg.extraction.evaluate.evaluate_folder` scores extraction against the keys).
"""

from kg.synth.templates.corpus import (
    ANSWERS_NAME,
    RENDERERS,
    answer_json,
    generate_template_corpus,
    make_file,
    render,
)
from kg.synth.templates.draw import (
    FORMAT_HAZARDS,
    FORMATS,
    HAZARDS,
    HTML_HAZARDS,
    known_hazards,
    make_document,
)
from kg.synth.templates.model import TemplateDocument

__all__ = [
    "ANSWERS_NAME",
    "FORMATS",
    "FORMAT_HAZARDS",
    "HAZARDS",
    "HTML_HAZARDS",
    "RENDERERS",
    "TemplateDocument",
    "answer_json",
    "generate_template_corpus",
    "known_hazards",
    "make_document",
    "make_file",
    "render",
]

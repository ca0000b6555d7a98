"""Synthetic budget disclosures for tests and benchmarks (``kg synth``).

:func:`generate_corpus` writes N documents in the seed layout (``.txt`` dumps or ``.docx``) plus
a manifest of what each one contains, so an extractor can be checked against exact counts and a
benchmark can be rerun on the same corpus anywhere. :func:`generate_document` makes one document
in memory.
"""

from kg.synth.corpus import (
    MANIFEST_NAME,
    CorpusManifest,
    CorpusPlan,
    document_rng,
    generate_corpus,
    plan_corpus,
)
from kg.synth.generator import HAZARDS, DocumentTruth, Family, PlantedCopy, generate_document
from kg.synth.vocabulary import Vocabulary, builtin_vocabulary, load_vocabulary, mine_folder

__all__ = [
    "HAZARDS",
    "MANIFEST_NAME",
    "CorpusManifest",
    "CorpusPlan",
    "DocumentTruth",
    "Family",
    "PlantedCopy",
    "Vocabulary",
    "builtin_vocabulary",
    "document_rng",
    "generate_corpus",
    "generate_document",
    "load_vocabulary",
    "mine_folder",
    "plan_corpus",
]

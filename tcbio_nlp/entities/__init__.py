"""Entity recognition components: guideline rules, patterns, gazetteers, declared aliases.

The statistical ``ner`` (spaCy's own, trained with training/configs/ner.cfg) runs first;
``training/configs/pipeline.cfg`` gives the order of the rest and how each merges with
what came before (``spans.add_entities``).
"""

from .aliases import AliasDetector
from .gazetteer import AgencyGazetteer, ProductGazetteer
from .patterns import EntityPatterns
from .rules import EntityRules

__all__ = ["AgencyGazetteer", "AliasDetector", "EntityPatterns", "EntityRules", "ProductGazetteer"]

"""Entity recognition components: patterns, agency gazetteer, declared aliases.

The statistical ``ner`` (spaCy's own, trained with training/configs/ner.cfg) sits
between them; see ``tcbio_nlp.pipeline`` for the order and how they merge.
"""

from .aliases import AliasDetector
from .gazetteer import AgencyGazetteer, ProductGazetteer
from .patterns import EntityPatterns
from .rules import EntityRules

__all__ = ["AgencyGazetteer", "AliasDetector", "EntityPatterns", "EntityRules", "ProductGazetteer"]

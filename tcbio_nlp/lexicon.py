"""Kept for scripts that import the word lists from here; they live in :mod:`tcbio_nlp.resources`."""

from .resources import domain_lexicon, protected_patterns, tfda_product_names

__all__ = ["domain_lexicon", "protected_patterns", "tfda_product_names"]

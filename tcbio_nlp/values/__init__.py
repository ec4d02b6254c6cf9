"""Normalised values for entities: MONEY amounts, LICENSE_NO parts, AGENCY canonical names."""

from .agency import AgencyRegistry
from .component import EntityNormalizer
from .licence import parse_licence
from .money import parse_money

__all__ = ["AgencyRegistry", "EntityNormalizer", "parse_licence", "parse_money"]

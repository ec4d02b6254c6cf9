"""Kept for scripts that import the augmenters from here; they live in :mod:`tcbio_nlp.training.augment`."""

from .training.augment import (  # noqa: F401
    agency_pool,
    create_name_swap_augmenter,
    create_product_swap_augmenter,
    name_swap_augmenter,
    product_pool,
)

"""Section segmentation and section-type classification (issue 4).

- :mod:`.headings` — heading detection (rules as data: ``tcbio_nlp/data/section_rules.json``)
  and flat, covering sections with levels and parents;
- :mod:`.classifier` — the section-type classifier (judges the body; uses the heading when present);
- :mod:`.corpus` — reading the labelled sections in ``corpora/sections/``;
- :mod:`.component` — the ``tcbio_sections`` spaCy factory writing ``doc.spans["sections"]``.

Importing this package registers the factory and the span extensions.
"""

from .classifier import LABELS, SectionClassifier, SectionInput, build_inputs
from .component import SectionComponent, make_sections_component, save_component_data
from .headings import Heading, HeadingDetector, HeadingRules, Section

__all__ = [
    "LABELS",
    "Heading",
    "HeadingDetector",
    "HeadingRules",
    "Section",
    "SectionClassifier",
    "SectionComponent",
    "SectionInput",
    "build_inputs",
    "make_sections_component",
    "save_component_data",
]

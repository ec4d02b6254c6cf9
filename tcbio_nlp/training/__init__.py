"""What only training needs: the annotated-corpus reader and the name-swap augmenter.

Not imported by ``tcbio_nlp`` at run time; its extra dependencies come with
``pip install 'tcbio-nlp[train]'``. The reader and augmenters are registered through entry
points (``spacy_readers``, ``spacy_augmenters``), so a training config names them directly.
"""

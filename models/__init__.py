"""The shipped tcbio-nlp pipelines (installed as ``tcbio_nlp.models``); see models/README.md."""

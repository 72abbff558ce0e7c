"""Every model kind, registered: import from here to make, load or look up a model by kind.

``classifier.base`` keeps the registry and imports no implementation; each implementation
registers itself when its module is imported (``PostClassifier.__init_subclass__``). This module
imports them all, so the dependency runs one way: kinds → implementations → base.
"""

from __future__ import annotations

from classifier import ensemble, tfidf, tfidf_minilm, transformer
from classifier.base import load_model, make_model, model_class

KINDS: tuple[str, ...] = (
    tfidf.TfidfLogReg.kind,
    tfidf_minilm.TfidfMiniLM.kind,
    transformer.TransformerClassifier.kind,
    ensemble.CalibratedEnsemble.kind,
)

__all__ = ["KINDS", "load_model", "make_model", "model_class"]

"""The evaluation notebook is executed by the suite, so it cannot rot."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from training.config import REPO_ROOT

NOTEBOOK = REPO_ROOT / "notebooks" / "classifier_evaluation.ipynb"


@pytest.mark.slow
def test_classifier_evaluation_notebook_executes(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(REPO_ROOT)}}
    ).execute()
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "dev macro-F1" in text and "worst misses" in text
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) == 2  # threshold curves and calibration

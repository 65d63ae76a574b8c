"""The offline local extractor compares transcript sentences with labelled example sentences: both
must be embedded by the same model, the one the user chose."""
from __future__ import annotations

import numpy as np

from synth.extract import local


def test_examples_are_embedded_by_the_model_that_embeds_the_transcript(monkeypatch):
    built: list = []

    class RecordingEmbedder:
        def __init__(self, workspace=None, model_path=None):
            built.append(model_path)

        def encode(self, texts):
            return np.zeros((len(texts), 8), dtype=np.float32)

    monkeypatch.setattr(local, "Embedder", RecordingEmbedder)
    local._examples.cache_clear()
    try:
        ex, _ = local._examples("/models/my-multilingual-model")
        assert built == ["/models/my-multilingual-model"]
        assert {v.shape[1] for v in ex.values()} == {8}
        local._examples(None)
        assert built == ["/models/my-multilingual-model", None]
    finally:
        local._examples.cache_clear()  # the real model's examples are rebuilt on next use

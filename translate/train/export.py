"""Export a trained model as a CTranslate2 directory in the OPUS-MT layout.

The CTranslate2 model is built directly through ``ctranslate2.specs`` (no intermediate
Marian/Transformers checkpoint): a post-norm ReLU ``TransformerSpec`` with the sinusoidal table
of :func:`translate.train.model.sinusoidal_positions`, every tensor copied from the PyTorch state
dict, a shared vocabulary and the Marian/OPUS-MT token conventions in ``config.json``
(``decoder_start_token: "</s>"``, ``add_source_eos: false``; the toolkit appends ``</s>`` itself,
as ``toolkit.json`` says with ``append_source_eos: true``).

Result: ``model.bin``, ``config.json``, ``shared_vocabulary.json``, ``source.spm``,
``target.spm``, ``toolkit.json`` (docs/CONTRACTS.md) — and later ``README.md`` (model_card.py).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from ctranslate2.specs import common_spec, transformer_spec

from .model import ModelConfig, sinusoidal_positions
from .vocab import EOS, SEP, UNK

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")


def _np(state: Mapping[str, torch.Tensor], key: str) -> np.ndarray:
    return state[key].detach().to("cpu", torch.float32).numpy().copy()


def _linear(spec: common_spec.LinearSpec, state: Mapping[str, torch.Tensor], prefix: str) -> None:
    spec.weight = _np(state, f"{prefix}.weight")  # (out, in), as CTranslate2 expects
    spec.bias = _np(state, f"{prefix}.bias")


def _layer_norm(spec: common_spec.LayerNormSpec, state: Mapping[str, torch.Tensor],
                prefix: str) -> None:
    spec.gamma = _np(state, f"{prefix}.weight")
    spec.beta = _np(state, f"{prefix}.bias")


def _self_attention(spec, state: Mapping[str, torch.Tensor], prefix: str) -> None:
    _linear(spec.linear[0], state, f"{prefix}.qkv")
    _linear(spec.linear[1], state, f"{prefix}.out")
    _layer_norm(spec.layer_norm, state, f"{prefix}.norm")


def _cross_attention(spec, state: Mapping[str, torch.Tensor], prefix: str) -> None:
    _linear(spec.linear[0], state, f"{prefix}.q")
    _linear(spec.linear[1], state, f"{prefix}.kv")
    _linear(spec.linear[2], state, f"{prefix}.out")
    _layer_norm(spec.layer_norm, state, f"{prefix}.norm")


def _ffn(spec, state: Mapping[str, torch.Tensor], prefix: str) -> None:
    _linear(spec.linear_0, state, f"{prefix}.linear_0")
    _linear(spec.linear_1, state, f"{prefix}.linear_1")
    _layer_norm(spec.layer_norm, state, f"{prefix}.norm")


def build_spec(cfg: ModelConfig, state: Mapping[str, torch.Tensor],
               tokens: Sequence[str]) -> transformer_spec.TransformerSpec:
    """A validated-ready ``TransformerSpec`` holding the weights of ``state``."""
    if len(tokens) != cfg.vocab_size:
        raise ValueError(f"vocabulary has {len(tokens)} tokens but the model {cfg.vocab_size}")
    spec = transformer_spec.TransformerSpec.from_config(
        (cfg.encoder_layers, cfg.decoder_layers),
        cfg.heads,
        pre_norm=False,
        activation=common_spec.Activation.RELU,
    )
    embeddings = _np(state, "embeddings.weight")
    positions = sinusoidal_positions(cfg.max_positions, cfg.d_model)

    encoder = spec.encoder
    encoder.embeddings[0].weight = embeddings
    encoder.scale_embeddings = True
    encoder.position_encodings.encodings = positions
    for i, layer in enumerate(encoder.layer):
        _self_attention(layer.self_attention, state, f"encoder_layers.{i}.self_attention")
        _ffn(layer.ffn, state, f"encoder_layers.{i}.ffn")

    decoder = spec.decoder
    decoder.embeddings.weight = embeddings
    decoder.scale_embeddings = True
    decoder.start_from_zero_embedding = False  # the decoder starts from the </s> embedding
    decoder.position_encodings.encodings = positions
    for i, layer in enumerate(decoder.layer):
        _self_attention(layer.self_attention, state, f"decoder_layers.{i}.self_attention")
        _cross_attention(layer.attention, state, f"decoder_layers.{i}.attention")
        _ffn(layer.ffn, state, f"decoder_layers.{i}.ffn")
    decoder.projection.weight = embeddings  # tied; CTranslate2 aliases equal tensors on save
    decoder.projection.bias = _np(state, "output_bias")

    spec.register_source_vocabulary(list(tokens))
    spec.register_target_vocabulary(list(tokens))
    config = spec.config
    config.bos_token = "<s>"
    config.eos_token = EOS
    config.unk_token = UNK
    config.decoder_start_token = EOS
    config.add_source_bos = False
    config.add_source_eos = False
    config.layer_norm_epsilon = cfg.layer_norm_eps
    return spec


def toolkit_metadata(name: str) -> dict:
    """``toolkit.json`` per docs/CONTRACTS.md (trained with ``<sep>`` term hints)."""
    return {
        "format": 1,
        "name": name,
        "source_lang": "ko",
        "target_lang": "en",
        "append_source_eos": True,
        "term_hints": {"separator": SEP},
    }


def export_ctranslate2(
    cfg: ModelConfig,
    state: Mapping[str, torch.Tensor],
    tokens: Sequence[str],
    source_spm: Path,
    target_spm: Path,
    output_dir: Path,
    name: str,
    quantization: str = "int8",
    force: bool = False,
) -> Path:
    """Write the CTranslate2 directory; refuses to overwrite unless ``force``."""
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    if output_dir.exists():
        if not force:
            raise FileExistsError(f"{output_dir} exists (use --force to replace it)")
        shutil.rmtree(output_dir)
    spec = build_spec(cfg, state, tokens)
    spec.validate()
    spec.optimize(quantization=quantization)
    output_dir.mkdir(parents=True)
    spec.save(str(output_dir))
    shutil.copyfile(source_spm, output_dir / "source.spm")
    shutil.copyfile(target_spm, output_dir / "target.spm")
    (output_dir / "toolkit.json").write_text(
        json.dumps(toolkit_metadata(name), indent=2) + "\n", encoding="utf-8"
    )
    return output_dir

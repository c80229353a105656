"""A Marian-style post-norm Transformer in PyTorch, laid out to map 1:1 onto CTranslate2.

Choices that the export depends on (CTranslate2 ``TransformerSpec`` with ``pre_norm=False``):

* embeddings multiplied by sqrt(d_model), then sinusoidal positions in Marian's layout (sines in
  the first half of the vector, cosines in the second, position 0 first); the same table is
  written into the export, so both sides use identical numbers;
* post-norm sublayers: ``x = LayerNorm(x + Dropout(sublayer(x)))``; no final encoder/decoder norm;
* self-attention uses one fused QKV projection and cross-attention a Q projection plus a fused
  KV projection, exactly the tensors CTranslate2 stores; ReLU feed-forward;
* one embedding matrix shared by encoder input, decoder input and the output projection (tied),
  plus an output bias;
* the decoder starts from the embedding of ``</s>`` (``decoder_start_token: "</s>"``).

Padding uses explicit length masks, so no ``<pad>`` token is needed in the vocabulary.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig


def sinusoidal_positions(num_positions: int, dim: int) -> np.ndarray:
    """Marian's sinusoidal table: [sin(pos/t_0), sin(pos/t_1), …, cos(pos/t_0), cos(pos/t_1), …].

    This is the formula of ctranslate2.converters.marian; the table is exported explicitly so
    the CTranslate2 model does not depend on its own default.
    """
    positions = np.arange(num_positions, dtype=np.float64)
    timescales = np.power(10000.0, 2 * (np.arange(dim) // 2) / dim)
    angles = positions[:, None] / timescales[None, :]
    table = np.zeros_like(angles)
    table[:, : dim // 2] = np.sin(angles[:, 0::2])
    table[:, dim // 2 :] = np.cos(angles[:, 1::2])
    return table.astype(np.float32)


class SelfAttention(nn.Module):
    """Multi-head self-attention with a fused QKV projection, post-norm residual."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.d_model)
        self.norm = nn.LayerNorm(cfg.d_model, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.dropout)
        self.attention_dropout = cfg.attention_dropout

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        p = self.attention_dropout if self.training else 0.0
        h = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        h = h.transpose(1, 2).reshape(b, t, d)
        return self.norm(x + self.dropout(self.out(h)))


class CrossAttention(nn.Module):
    """Encoder–decoder attention: Q from the decoder, fused KV from the encoder output."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.heads = cfg.heads
        self.q = nn.Linear(cfg.d_model, cfg.d_model)
        self.kv = nn.Linear(cfg.d_model, 2 * cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.d_model)
        self.norm = nn.LayerNorm(cfg.d_model, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.dropout)
        self.attention_dropout = cfg.attention_dropout

    def forward(self, x: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        s = memory.shape[1]
        dh = d // self.heads
        q = self.q(x).view(b, t, self.heads, dh).transpose(1, 2)
        k, v = self.kv(memory).view(b, s, 2, self.heads, dh).permute(2, 0, 3, 1, 4)
        p = self.attention_dropout if self.training else 0.0
        h = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        h = h.transpose(1, 2).reshape(b, t, d)
        return self.norm(x + self.dropout(self.out(h)))


class FeedForward(nn.Module):
    """ReLU feed-forward block, post-norm residual."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.linear_0 = nn.Linear(cfg.d_model, cfg.ffn_dim)
        self.linear_1 = nn.Linear(cfg.ffn_dim, cfg.d_model)
        self.norm = nn.LayerNorm(cfg.d_model, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x + self.dropout(self.linear_1(F.relu(self.linear_0(x)))))


class EncoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.self_attention = SelfAttention(cfg)
        self.ffn = FeedForward(cfg)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.ffn(self.self_attention(x, mask))


class DecoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.self_attention = SelfAttention(cfg)
        self.attention = CrossAttention(cfg)
        self.ffn = FeedForward(cfg)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, self_mask: torch.Tensor,
                memory_mask: torch.Tensor) -> torch.Tensor:
        return self.ffn(self.attention(self.self_attention(x, self_mask), memory, memory_mask))


class Seq2SeqTransformer(nn.Module):
    """Encoder–decoder Transformer with tied shared-vocabulary embeddings."""

    positions: torch.Tensor  # sinusoidal table, a non-persistent buffer (set in __init__)

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embeddings = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.output_bias = nn.Parameter(torch.zeros(cfg.vocab_size))
        self.register_buffer(
            "positions", torch.from_numpy(sinusoidal_positions(cfg.max_positions, cfg.d_model)),
            persistent=False,
        )
        self.encoder_layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.encoder_layers))
        self.decoder_layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.decoder_layers))
        self.dropout = nn.Dropout(cfg.dropout)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Glorot-uniform linears (Marian's default), N(0, d^-1/2) embeddings (they are scaled
        by sqrt(d))."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)
        nn.init.normal_(self.embeddings.weight, std=self.cfg.d_model**-0.5)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        t = ids.shape[1]
        if t > self.cfg.max_positions:
            raise ValueError(
                f"sequence of {t} tokens exceeds max_positions={self.cfg.max_positions}"
            )
        x = self.embeddings(ids) * math.sqrt(self.cfg.d_model) + self.positions[:t]
        return self.dropout(x)

    @staticmethod
    def key_mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
        """Boolean (B, 1, 1, T) mask, True where a key position holds a real token."""
        arange = torch.arange(max_len, device=lengths.device)
        return (arange[None, :] < lengths[:, None])[:, None, None, :]

    def encode(self, src: torch.Tensor,
               src_lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mask = self.key_mask(src_lengths, src.shape[1])
        x = self.embed(src)
        for layer in self.encoder_layers:
            x = layer(x, mask)
        return x, mask

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor,
               memory_mask: torch.Tensor) -> torch.Tensor:
        """Logits for every decoder position (causal); ``tgt_in`` starts with ``</s>``."""
        t = tgt_in.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=tgt_in.device).tril()[None, None]
        x = self.embed(tgt_in)
        for layer in self.decoder_layers:
            x = layer(x, memory, causal, memory_mask)
        return F.linear(x, self.embeddings.weight, self.output_bias)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor,
                tgt_in: torch.Tensor) -> torch.Tensor:
        memory, memory_mask = self.encode(src, src_lengths)
        return self.decode(tgt_in, memory, memory_mask)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def greedy(
        self, src_ids: list[int], bos_id: int, eos_id: int, max_len: int = 256, min_len: int = 1
    ) -> tuple[list[int], list[float], list[float]]:
        """Greedy decoding of one sentence, as CTranslate2 does it.

        ``</s>`` cannot be chosen before ``min_len`` tokens, like CTranslate2's
        ``min_decoding_length`` (default 1: never an empty translation); ``max_len`` counts
        tokens without the final ``</s>``, like its ``max_decoding_length``. Returns (token ids
        without the final ``</s>``, log-prob of each chosen token including ``</s>``, top-1 minus
        top-2 log-prob margin at each step).
        """
        self.eval()
        device = self.embeddings.weight.device
        src = torch.tensor([src_ids], device=device)
        memory, memory_mask = self.encode(src, torch.tensor([len(src_ids)], device=device))
        out = [bos_id]
        log_probs: list[float] = []
        margins: list[float] = []
        for _ in range(max_len):
            logits = self.decode(torch.tensor([out], device=device), memory, memory_mask)[0, -1]
            lp = torch.log_softmax(logits.float(), dim=-1)
            if len(out) - 1 < min_len:
                lp[eos_id] = -math.inf
            top = torch.topk(lp, 2)
            token = int(top.indices[0])
            log_probs.append(float(top.values[0]))
            margins.append(float(top.values[0] - top.values[1]))
            if token == eos_id:
                break
            out.append(token)
        return out[1:], log_probs, margins

    @torch.no_grad()
    def score(self, src_ids: list[int], tgt_ids: list[int], bos_id: int,
              eos_id: int) -> list[float]:
        """Log-prob of each token of ``tgt_ids + [</s>]`` given the source (teacher forcing)."""
        self.eval()
        device = self.embeddings.weight.device
        src = torch.tensor([src_ids], device=device)
        memory, memory_mask = self.encode(src, torch.tensor([len(src_ids)], device=device))
        tgt_in = torch.tensor([[bos_id] + tgt_ids], device=device)
        lp = torch.log_softmax(self.decode(tgt_in, memory, memory_mask)[0].float(), dim=-1)
        gold = torch.tensor(tgt_ids + [eos_id], device=device)
        return lp.gather(1, gold[:, None])[:, 0].tolist()

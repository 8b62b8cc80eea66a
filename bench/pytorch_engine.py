#!/usr/bin/env python3
"""The `activeit bench engine` measurement, in PyTorch: the same GPT-J-style model, sizes, batch and FLOP count.

A reference to compare the engine against (bench/compare_pytorch.sh, docs/performance.md); not used by the product.
Run with Debian's python3-torch:  /usr/bin/python3 bench/pytorch_engine.py [--config small] [--threads 2]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # layers, heads, d_model, seq_len, batch
    "tiny": (2, 2, 64, 64, 64),
    "small": (4, 4, 128, 128, 32),
    "medium": (6, 6, 384, 256, 16),
}
VOCAB = 260


def rotate_every_two(x):
    x1, x2 = x[..., ::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, d, heads, seq_len, rotary_dim=None):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.rd = rotary_dim or self.hd
        self.ln_1 = nn.LayerNorm(d)
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.out_proj = nn.Linear(d, d, bias=False)
        self.fc_in = nn.Linear(d, 4 * d)
        self.fc_out = nn.Linear(4 * d, d)
        inv = 1.0 / (10000 ** (torch.arange(0, self.rd, 2).float() / self.rd))
        ang = torch.outer(torch.arange(seq_len).float(), inv)
        self.register_buffer("sin", ang.sin().repeat_interleave(2, -1)[None, :, None, :])
        self.register_buffer("cos", ang.cos().repeat_interleave(2, -1)[None, :, None, :])
        self.register_buffer("mask", torch.full((seq_len, seq_len), float("-inf")).triu(1))

    def rotary(self, x, T):  # GPT-J: rotate the first rotary_dim dims of each head, interleaved pairs
        r, rest = x[..., : self.rd], x[..., self.rd :]
        r = r * self.cos[:, :T] + rotate_every_two(r) * self.sin[:, :T]
        return torch.cat([r, rest], dim=-1)

    def forward(self, x):  # (B, T, d)
        B, T, d = x.shape
        h = self.ln_1(x)
        q = self.q_proj(h).view(B, T, self.heads, self.hd)
        k = self.k_proj(h).view(B, T, self.heads, self.hd)
        v = self.v_proj(h).view(B, T, self.heads, self.hd).transpose(1, 2)
        q, k = self.rotary(q, T).transpose(1, 2), self.rotary(k, T).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + self.mask[:T, :T]
        a = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d)
        return x + self.out_proj(a) + self.fc_out(F.gelu(self.fc_in(h), approximate="tanh"))


class GPTJ(nn.Module):
    def __init__(self, layers, heads, d, seq_len, rotary_dim=None):
        super().__init__()
        self.wte = nn.Embedding(VOCAB, d)
        self.h = nn.ModuleList(Block(d, heads, seq_len, rotary_dim) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, VOCAB)

    def forward(self, tokens):
        x = self.wte(tokens)
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


def forward_flops_per_token(layers, d, seq_len):  # same count as ModelConfig.ForwardFlopsPerToken
    per_layer = 2 * d * (3 * d + 4 * d) + 2 * d * d + 2 * 4 * d * d
    return layers * (per_layer + 4 * seq_len * d) + 2 * d * VOCAB


def timed(step, min_seconds):
    step(); step()
    n, start = 0, time.perf_counter()
    while n < 3 or time.perf_counter() - start < min_seconds:
        step(); n += 1
    return n, time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", action="append", choices=PRESETS)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=3.0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    n, s = timed(lambda: a @ b, 1.0)
    peak = 2 * 1024 ** 3 * n / s / 1e9
    for name in args.config or list(PRESETS):
        layers, heads, d, T, B = PRESETS[name]
        model = GPTJ(layers, heads, d, T)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        tokens = torch.randint(0, 256, (B, T))

        def train_step():
            logits = model(tokens[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, VOCAB), tokens[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

        def score_step():
            with torch.inference_mode():
                logp = model(tokens[:, :-1]).log_softmax(-1)
                logp.gather(-1, tokens[:, 1:, None]).sum()

        tn, ts = timed(train_step, args.seconds)
        sn, ss = timed(score_step, args.seconds)
        fwd = forward_flops_per_token(layers, d, T) * B * T
        print(json.dumps({
            "config": name, "impl": "pytorch", "torch_version": torch.__version__, "threads": args.threads,
            "train_tokens_per_s": B * T * tn / ts, "score_tokens_per_s": B * T * sn / ss,
            "train_gflops": 3 * fwd * tn / ts / 1e9, "score_gflops": fwd * sn / ss / 1e9, "matmul_peak_gflops": peak,
        }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the GPT-J golden files the engine tests compare against: a small random GPT-J written by PyTorch as
safetensors with Hugging Face parameter names (gptj_tiny.safetensors), and that model's logits on fixed token
rows (gptj_tiny_logits.json). The PyTorch model is bench/pytorch_engine.py's, an independent implementation.

Regenerate (Debian python3-torch):  /usr/bin/python3 tests/ActiveIT.Engine.Tests/Golden/make_gptj_golden.py
"""
import json
import os
import struct
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "bench"))
from pytorch_engine import GPTJ, VOCAB  # noqa: E402

LAYERS, HEADS, D, SEQ, ROTARY = 2, 2, 32, 32, 8  # partial rotary: 8 of each head's 16 dims

torch.manual_seed(1234)
model = GPTJ(LAYERS, HEADS, D, SEQ, rotary_dim=ROTARY)
with torch.no_grad():
    for name, p in model.named_parameters():  # larger than the usual init so logits differ clearly per token
        p.copy_(torch.randn_like(p) * (0.3 if p.dim() > 1 else 0.1) + (1.0 if name.endswith("ln_1.weight") or name.endswith("ln_f.weight") else 0.0))

hf = {"transformer.wte.weight": model.wte.weight, "transformer.ln_f.weight": model.ln_f.weight,
      "transformer.ln_f.bias": model.ln_f.bias, "lm_head.weight": model.lm_head.weight, "lm_head.bias": model.lm_head.bias}
for i, b in enumerate(model.h):
    p = f"transformer.h.{i}."
    hf.update({p + "ln_1.weight": b.ln_1.weight, p + "ln_1.bias": b.ln_1.bias,
               p + "attn.q_proj.weight": b.q_proj.weight, p + "attn.k_proj.weight": b.k_proj.weight,
               p + "attn.v_proj.weight": b.v_proj.weight, p + "attn.out_proj.weight": b.out_proj.weight,
               p + "mlp.fc_in.weight": b.fc_in.weight, p + "mlp.fc_in.bias": b.fc_in.bias,
               p + "mlp.fc_out.weight": b.fc_out.weight, p + "mlp.fc_out.bias": b.fc_out.bias,
               p + "attn.bias": torch.ones(1, 1, SEQ, SEQ)})  # HF's causal-mask buffer: the loader must skip it

meta = {"vocab_size": str(VOCAB), "n_layer": str(LAYERS), "n_head": str(HEADS), "n_embd": str(D), "n_inner": str(4 * D),
        "rotary_dim": str(ROTARY), "n_positions": str(SEQ), "layer_norm_epsilon": "1e-05", "format": "pt"}
header, blobs, offset = {"__metadata__": meta}, [], 0
for name, t in hf.items():
    data = t.detach().contiguous().float().numpy().tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
with open(os.path.join(here, "gptj_tiny.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

rows = [[257, 104, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 259, 72, 105, 33],
        [257, 0, 255, 3, 7, 258, 100, 200, 50, 60, 70, 80, 90, 110, 120, 130]]
with torch.no_grad():
    logits = model(torch.tensor(rows))  # (2, 16, V)
json.dump({"generated_by": "tests/ActiveIT.Engine.Tests/Golden/make_gptj_golden.py", "torch_version": torch.__version__,
           "tolerance": 1e-4, "tokens": rows, "logits": logits.tolist()}, open(os.path.join(here, "gptj_tiny_logits.json"), "w"))
print("wrote gptj_tiny.safetensors and gptj_tiny_logits.json")

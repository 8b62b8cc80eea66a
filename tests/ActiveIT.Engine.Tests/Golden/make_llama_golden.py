#!/usr/bin/env python3
"""Writes the Llama-family golden files the engine tests compare against, under Golden/llama/: tiny random checkpoints
in the Hugging Face layout (config.json, safetensors with HF parameter names, metadata only {"format": "pt"}), one per
supported variant, and their outputs from the plain-PyTorch reference forward below (written for this test, not taken
from transformers, which is not installed here):

  llama/    model_type llama: grouped-query attention (4 query heads, 2 key/value heads), tied embeddings, rope_theta
            500000 with Llama 3.1's "llama3" rope_scaling (original context 16, so each scaling branch is taken),
            a byte-level BPE tokenizer.json with BOS/EOS in tokenizer_config.json
  qwen2/    model_type qwen2: biases on q/k/v, one key/value head, untied LM head, two F32 shards with their index
  mistral/  model_type mistral: "linear" rope_scaling (factor 2), head_dim 16 wider than hidden_size / heads,
            sliding_window 32 (the engine's context stops there), BF16 weights, a leftover rotary_emb.inv_freq buffer
  llama_logits.json  per variant: next-token logits at every position of two fixed rows, and a greedy continuation

The reference differs from the engine's on purpose where a formulation can: rotary as a complex product on the
(i, i + hd/2) pairs, key/value heads broadcast by expand/reshape, softmax attention with an explicit triangular mask.

Regenerate (Debian python3-torch):  /usr/bin/python3 tests/ActiveIT.Engine.Tests/Golden/make_llama_golden.py
"""
import json
import math
import os
import struct

import torch

here = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(here, "llama")
GENERATED_BY = "tests/ActiveIT.Engine.Tests/Golden/make_llama_golden.py"

VARIANTS = {
    "llama": dict(model_type="llama", vocab_size=300, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5,
                  rope_theta=500000.0, tie_word_embeddings=True, attention_bias=False, mlp_bias=False, hidden_act="silu",
                  rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                                    original_max_position_embeddings=16),
                  bos_token_id=298, eos_token_id=299),
    "qwen2": dict(model_type="qwen2", vocab_size=300, hidden_size=32, intermediate_size=40, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=64, rms_norm_eps=1e-6,
                  rope_theta=10000.0, tie_word_embeddings=False, hidden_act="silu", use_sliding_window=False,
                  sliding_window=4096, rope_scaling=None),
    "mistral": dict(model_type="mistral", vocab_size=300, hidden_size=32, intermediate_size=56, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=128,
                    sliding_window=32, rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
                    hidden_act="silu", rope_scaling=dict(type="linear", factor=2.0)),
}
ROWS = [[298, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 299, 5, 260],
        [0, 255, 3, 7, 258, 100, 200, 50, 60, 70, 80, 90, 110, 120, 130, 297]]
PROMPT, NEW_TOKENS = [298, 84, 104, 101], 8
ST_DTYPE = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}


def inverse_frequencies(c):
    hd = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    s = c.get("rope_scaling")
    if not s:
        return inv
    kind = s.get("rope_type", s.get("type"))
    if kind == "linear":
        return inv / s["factor"]
    assert kind == "llama3"
    wavelength = 2 * math.pi / inv
    old = s["original_max_position_embeddings"]
    low_wavelength, high_wavelength = old / s["low_freq_factor"], old / s["high_freq_factor"]
    smooth = (old / wavelength - s["low_freq_factor"]) / (s["high_freq_factor"] - s["low_freq_factor"])
    blended = (1 - smooth) * inv / s["factor"] + smooth * inv
    return torch.where(wavelength < high_wavelength, inv, torch.where(wavelength > low_wavelength, inv / s["factor"], blended))


def make_params(c, seed):
    g = torch.Generator().manual_seed(seed)
    hd = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    d, h, kv, m = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["intermediate_size"]
    qkv_bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)
    o_bias = c["model_type"] != "qwen2" and c.get("attention_bias", False)

    def w(*shape, scale=0.3, base=0.0):  # larger than the usual init so logits differ clearly per token
        return torch.randn(*shape, generator=g) * scale + base

    p = {"model.embed_tokens.weight": w(c["vocab_size"], d)}
    for i in range(c["num_hidden_layers"]):
        x = f"model.layers.{i}."
        p[x + "input_layernorm.weight"] = w(d, scale=0.1, base=1.0)
        p[x + "self_attn.q_proj.weight"] = w(h * hd, d)
        p[x + "self_attn.k_proj.weight"] = w(kv * hd, d)
        p[x + "self_attn.v_proj.weight"] = w(kv * hd, d)
        if qkv_bias:
            p[x + "self_attn.q_proj.bias"] = w(h * hd, scale=0.1)
            p[x + "self_attn.k_proj.bias"] = w(kv * hd, scale=0.1)
            p[x + "self_attn.v_proj.bias"] = w(kv * hd, scale=0.1)
        p[x + "self_attn.o_proj.weight"] = w(d, h * hd)
        if o_bias:
            p[x + "self_attn.o_proj.bias"] = w(d, scale=0.1)
        p[x + "post_attention_layernorm.weight"] = w(d, scale=0.1, base=1.0)
        p[x + "mlp.gate_proj.weight"] = w(m, d)
        p[x + "mlp.up_proj.weight"] = w(m, d)
        p[x + "mlp.down_proj.weight"] = w(d, m)
    p["model.norm.weight"] = w(d, scale=0.1, base=1.0)
    if not c["tie_word_embeddings"]:
        p["lm_head.weight"] = w(c["vocab_size"], d)
    return p


def rms(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate(x, angles):
    """x (B, H, T, hd): pair (i, i + hd/2) read as a complex number, times e^{i·angle}."""
    half = x.shape[-1] // 2
    z = torch.complex(x[..., :half].double(), x[..., half:].double()) * torch.polar(torch.ones_like(angles), angles)
    return torch.cat([z.real, z.imag], -1).float()


def forward(c, p, tokens):
    """Logits (B, T, V) in float32, from float32 weights."""
    hd = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    h, kv, eps = c["num_attention_heads"], c["num_key_value_heads"], c["rms_norm_eps"]
    B, T = tokens.shape
    angles = torch.arange(T, dtype=torch.float64)[:, None] * inverse_frequencies(c)[None, :]  # (T, hd/2)
    mask = torch.full((T, T), float("-inf")).triu(1)
    x = p["model.embed_tokens.weight"][tokens]
    lin = lambda t, name: t @ p[name + ".weight"].T + (p[name + ".bias"] if name + ".bias" in p else 0)
    for i in range(c["num_hidden_layers"]):
        y = f"model.layers.{i}."
        a = rms(x, p[y + "input_layernorm.weight"], eps)
        q = lin(a, y + "self_attn.q_proj").view(B, T, h, hd).transpose(1, 2)
        k = lin(a, y + "self_attn.k_proj").view(B, T, kv, hd).transpose(1, 2)
        v = lin(a, y + "self_attn.v_proj").view(B, T, kv, hd).transpose(1, 2)
        q, k = rotate(q, angles), rotate(k, angles)
        k = k[:, :, None].expand(B, kv, h // kv, T, hd).reshape(B, h, T, hd)
        v = v[:, :, None].expand(B, kv, h // kv, T, hd).reshape(B, h, T, hd)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, -1) @ v
        x = x + lin(att.transpose(1, 2).reshape(B, T, h * hd), y + "self_attn.o_proj")
        b = rms(x, p[y + "post_attention_layernorm.weight"], eps)
        x = x + lin(torch.nn.functional.silu(lin(b, y + "mlp.gate_proj")) * lin(b, y + "mlp.up_proj"), y + "mlp.down_proj")
    head = p["lm_head.weight"] if "lm_head.weight" in p else p["model.embed_tokens.weight"]
    return rms(x, p["model.norm.weight"], eps) @ head.T


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.contiguous().numpy().tobytes()
        header[name] = {"dtype": ST_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def byte_chars():
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars, n = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + n)
            n += 1
    return chars


def write_tokenizer(folder):
    """A byte-level BPE of 298 entries (256 bytes, 42 merges learned here from a fixed text) plus two special tokens,
    with Llama 3's pre-tokenizer shape: a Split regex, then ByteLevel without its own regex."""
    chars = byte_chars()
    vocab = {chars[b]: b for b in range(256)}
    text = ("the cat sat on the mat. then the other cat ran to the hat and the rat ran on. write the word backwards, "
            "answer yes or no: does the sentence contain a question? translate the instruction into a rewrite rule. ") * 3
    words = [[chars[b] for b in (" " + w if i else w).encode()] for i, w in enumerate(text.split())]
    merges = []
    while len(vocab) < 298:
        counts = {}
        for word in words:
            for pair in zip(word, word[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        pair = max(sorted(counts), key=lambda k: counts[k])
        merges.append(pair)
        vocab[pair[0] + pair[1]] = len(vocab)
        for word in words:
            i = 0
            while i < len(word) - 1:
                if (word[i], word[i + 1]) == pair:
                    word[i:i + 2] = [pair[0] + pair[1]]
                i += 1
    pattern = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": 298, "content": "<|begin_of_text|>", "special": True, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False},
                         {"id": 299, "content": "<|end_of_text|>", "special": True, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False}],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": None, "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": True, "vocab": vocab, "merges": [list(m) for m in merges]},
    }
    json.dump(tokenizer, open(os.path.join(folder, "tokenizer.json"), "w"), ensure_ascii=False)
    json.dump({"add_bos_token": True, "bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>",
               "chat_template": "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{{ eos_token }}{% endfor %}"
                                "{% if add_generation_prompt %}<|assistant|>{% endif %}"},
              open(os.path.join(folder, "tokenizer_config.json"), "w"))


results = {"generated_by": GENERATED_BY, "torch_version": torch.__version__, "tolerance": 1e-4, "tokens": ROWS,
           "prompt": PROMPT, "variants": {}}
for seed, (name, config) in enumerate(VARIANTS.items()):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    params = make_params(config, 100 + seed)
    if name == "mistral":  # stored as BF16: the reference runs on the stored values, upcast
        params = {k: v.to(torch.bfloat16).float() for k, v in params.items()}
    json.dump(config, open(os.path.join(folder, "config.json"), "w"), indent=1)
    if name == "qwen2":
        names = list(params)
        shards = {"model-00001-of-00002.safetensors": names[: len(names) // 2], "model-00002-of-00002.safetensors": names[len(names) // 2:]}
        for shard, keys in shards.items():
            write_safetensors(os.path.join(folder, shard), {k: params[k] for k in keys})
        json.dump({"metadata": {"total_size": sum(t.numel() * 4 for t in params.values())},
                   "weight_map": {k: s for s, keys in shards.items() for k in keys}}, open(os.path.join(folder, "model.safetensors.index.json"), "w"), indent=1)
    elif name == "mistral":
        stored = {k: v.to(torch.bfloat16) for k, v in params.items()}
        stored["model.layers.0.self_attn.rotary_emb.inv_freq"] = inverse_frequencies(config).float().to(torch.bfloat16)
        write_safetensors(os.path.join(folder, "model.safetensors"), stored)
    else:
        write_safetensors(os.path.join(folder, "model.safetensors"), params)
        write_tokenizer(folder)
    with torch.no_grad():
        logits = forward(config, params, torch.tensor(ROWS))
        generated = list(PROMPT)
        for _ in range(NEW_TOKENS):
            generated.append(int(forward(config, params, torch.tensor([generated]))[0, -1].argmax()))
    results["variants"][name] = {"logits": logits.tolist(), "greedy": generated[len(PROMPT):]}
json.dump(results, open(os.path.join(OUT, "llama_logits.json"), "w"))
print("wrote", ", ".join(VARIANTS), "and llama_logits.json under", OUT)

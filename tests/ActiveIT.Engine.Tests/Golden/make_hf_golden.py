#!/usr/bin/env python3
"""Writes the Hugging Face-layout GPT-J golden files the engine tests compare against, under Golden/hf/: one small
random GPT-J (GPT-J's padded vocabulary of 50400) stored three ways, as Hugging Face writes checkpoints, with
config.json and safetensors whose metadata is only {"format": "pt"}:

  gptj-f32/           config.json, model.safetensors (F32)
  gptj-bf16-sharded/  config.json, model-0000{1,2}-of-00002.safetensors (BF16), model.safetensors.index.json
  gptj-f16/           config.json, model.safetensors (F16)
  hf_gptj_logits.json the model's outputs on fixed token rows, for each weight set as stored (upcast to float32)

Each file also holds HF's non-parameter buffers transformer.h.{i}.attn.bias (causal mask, BOOL in gptj-f32 and
gptj-bf16-sharded, U8 in gptj-f16, as older and newer transformers wrote it) and transformer.h.{i}.attn.masked_bias
(F32 scalar, shape []): the loader must skip them. The PyTorch model is bench/pytorch_engine.py's, an independent
implementation; the safetensors files are written (and read back for a sanity check at the end) by this script.

Regenerate (Debian python3-torch):  /usr/bin/python3 tests/ActiveIT.Engine.Tests/Golden/make_hf_golden.py
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "bench"))
import pytorch_engine  # noqa: E402
from pytorch_engine import GPTJ  # noqa: E402

# vocab_size 50400 (>= GPT-2's 50257) makes wte and lm_head dominate the size: n_embd 16 would need ~13 MB for the
# three weight sets, so n_embd 8 (~6.5 MB). n_head 2 -> head dim 4; rotary_dim 2 < 4 keeps the rotary partial.
VOCAB, LAYERS, HEADS, D, SEQ, ROTARY = 50400, 2, 2, 8, 64, 2
OUT = os.path.join(here, "hf")
GENERATED_BY = "tests/ActiveIT.Engine.Tests/Golden/make_hf_golden.py"

ROWS = [[50256, 0, 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 50399],  # eos, 0 .. the last padded id
        [15496, 50001, 30000, 1, 49999, 50256, 12345, 40000, 50300, 256, 8000, 50257]]

ST_DTYPE = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16", torch.bool: "BOOL", torch.uint8: "U8"}
ST_SIZE = {"F32": 4, "BF16": 2, "F16": 2, "BOOL": 1, "U8": 1}


def make_model(vocab=VOCAB, layers=LAYERS, heads=HEADS, d=D, seq=SEQ, rotary=ROTARY):
    pytorch_engine.VOCAB = vocab  # GPTJ reads the module constant when constructed
    return GPTJ(layers, heads, d, seq, rotary_dim=rotary)


def hf_params(model):
    """The model's parameters under Hugging Face GPT-J names, in HF's state_dict order (buffers not included)."""
    hf = {"transformer.wte.weight": model.wte.weight}
    for i, b in enumerate(model.h):
        p = f"transformer.h.{i}."
        hf.update({p + "ln_1.weight": b.ln_1.weight, p + "ln_1.bias": b.ln_1.bias,
                   p + "attn.k_proj.weight": b.k_proj.weight, p + "attn.v_proj.weight": b.v_proj.weight,
                   p + "attn.q_proj.weight": b.q_proj.weight, p + "attn.out_proj.weight": b.out_proj.weight,
                   p + "mlp.fc_in.weight": b.fc_in.weight, p + "mlp.fc_in.bias": b.fc_in.bias,
                   p + "mlp.fc_out.weight": b.fc_out.weight, p + "mlp.fc_out.bias": b.fc_out.bias})
    hf.update({"transformer.ln_f.weight": model.ln_f.weight, "transformer.ln_f.bias": model.ln_f.bias,
               "lm_head.weight": model.lm_head.weight, "lm_head.bias": model.lm_head.bias})
    return {k: v.detach().clone() for k, v in hf.items()}


def with_buffers(params, mask_dtype):
    """HF's state_dict: parameters plus each layer's attn.bias (causal mask) and attn.masked_bias (-1e9) buffers."""
    out = {}
    for name, t in params.items():
        if name.endswith("attn.k_proj.weight"):  # HF registers the buffers before the projections
            p = name[: -len("k_proj.weight")]
            out[p + "bias"] = torch.tril(torch.ones(SEQ, SEQ, dtype=mask_dtype)).view(1, 1, SEQ, SEQ)
            out[p + "masked_bias"] = torch.tensor(-1e9)
        out[name] = t
    return out


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: write the raw 16-bit patterns
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().tobytes()  # little-endian host (x86-64)


def write_safetensors(path, tensors):
    """safetensors as the Rust library writes it: u64 LE header size, compact JSON header with __metadata__ first,
    padded with spaces to a multiple of 8, tensors sorted by (dtype size descending, name), contiguous."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors, key=lambda n: (-ST_SIZE[ST_DTYPE[tensors[n].dtype]], n)):
        t = tensors[name]
        data = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    return offset  # bytes of tensor data


def read_safetensors(path):
    """This script's own reader: {name: float32 tensor} for float dtypes, raw tensors for BOOL/U8."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, path
    header = json.loads(raw[8: 8 + n])
    assert header.pop("__metadata__") == {"format": "pt"}, path
    data, out, end = raw[8 + n:], {}, 0
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        a, b = e["data_offsets"]
        assert a == end, (path, name)  # contiguous, no gaps
        end = b
        buf, shape = data[a:b], e["shape"]
        assert b - a == ST_SIZE[e["dtype"]] * math.prod(shape), (path, name)
        if e["dtype"] == "F32":
            t = torch.from_numpy(np.frombuffer(buf, "<f4").copy())
        elif e["dtype"] == "F16":
            t = torch.from_numpy(np.frombuffer(buf, "<f2").astype(np.float32))
        elif e["dtype"] == "BF16":
            t = torch.from_numpy((np.frombuffer(buf, "<u2").astype(np.uint32) << 16).view(np.float32))
        elif e["dtype"] in ("BOOL", "U8"):
            t = torch.from_numpy(np.frombuffer(buf, np.uint8).copy())
        else:
            raise ValueError(e["dtype"])
        out[name] = (t.reshape(shape), e["dtype"])
    assert end == len(data), path
    return out


def config(torch_dtype):
    return {"model_type": "gptj", "architectures": ["GPTJForCausalLM"], "vocab_size": VOCAB, "n_embd": D,
            "n_head": HEADS, "n_layer": LAYERS, "n_positions": SEQ, "rotary_dim": ROTARY, "n_inner": None,
            "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "bos_token_id": 50256,
            "eos_token_id": 50256, "tie_word_embeddings": False, "torch_dtype": torch_dtype,
            # further keys real GPT-J configs carry, which the loader may ignore
            "attn_pdrop": 0.0, "embd_pdrop": 0.0, "resid_pdrop": 0.0, "initializer_range": 0.02, "use_cache": True}


def write_config(folder, torch_dtype):
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config(torch_dtype), f, indent=2)
        f.write("\n")


def load_model(params, cfg=None):
    """A GPT-J (float32) built from a config dict and HF-named float32 parameters."""
    cfg = cfg or config("float32")
    m = make_model(cfg["vocab_size"], cfg["n_layer"], cfg["n_head"], cfg["n_embd"], cfg["n_positions"], cfg["rotary_dim"])
    with torch.no_grad():
        for name, t in hf_params(m).items():
            assert t.shape == params[name].shape, name
        targets = {"transformer.wte.weight": m.wte.weight, "transformer.ln_f.weight": m.ln_f.weight,
                   "transformer.ln_f.bias": m.ln_f.bias, "lm_head.weight": m.lm_head.weight, "lm_head.bias": m.lm_head.bias}
        for i, b in enumerate(m.h):
            p = f"transformer.h.{i}."
            targets.update({p + "ln_1.weight": b.ln_1.weight, p + "ln_1.bias": b.ln_1.bias,
                            p + "attn.q_proj.weight": b.q_proj.weight, p + "attn.k_proj.weight": b.k_proj.weight,
                            p + "attn.v_proj.weight": b.v_proj.weight, p + "attn.out_proj.weight": b.out_proj.weight,
                            p + "mlp.fc_in.weight": b.fc_in.weight, p + "mlp.fc_in.bias": b.fc_in.bias,
                            p + "mlp.fc_out.weight": b.fc_out.weight, p + "mlp.fc_out.bias": b.fc_out.bias})
        assert set(targets) == set(params), set(targets) ^ set(params)
        for name, t in targets.items():
            t.copy_(params[name].float())
    return m.eval()


def outputs(model):
    with torch.no_grad():
        logits = model(torch.tensor(ROWS))  # (2, 12, V), float32
    logp = logits.log_softmax(-1)
    nxt = logp[:, :-1].gather(-1, torch.tensor(ROWS)[:, 1:, None])[..., 0]  # log p(row[t+1] | row[:t+1]), t = 0..10
    return logits, nxt, logits.argmax(-1)


def main():
    torch.set_num_threads(1)
    torch.manual_seed(1234)
    model = make_model()
    with torch.no_grad():
        for name, p in model.named_parameters():  # larger than the usual init so logits differ clearly per token
            ln = name.endswith("ln_1.weight") or name.endswith("ln_f.weight")
            p.copy_(torch.randn_like(p) * (0.3 if p.dim() > 1 else 0.1) + (1.0 if ln else 0.0))
    f32 = hf_params(model)
    sets = {"gptj-f32": ("float32", {k: v.float() for k, v in f32.items()}),
            "gptj-bf16-sharded": ("bfloat16", {k: v.bfloat16() for k, v in f32.items()}),
            "gptj-f16": ("float16", {k: v.half() for k, v in f32.items()})}
    mask_dtype = {"gptj-f32": torch.bool, "gptj-bf16-sharded": torch.bool, "gptj-f16": torch.uint8}

    for folder, (dtype_name, params) in sets.items():
        d = os.path.join(OUT, folder)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        write_config(d, dtype_name)
        state = with_buffers(params, mask_dtype[folder])
        if folder != "gptj-bf16-sharded":
            write_safetensors(os.path.join(d, "model.safetensors"), state)
            continue
        # shard 1: wte, layer 0 and layer 1's ln_1/attn; shard 2: the rest, so layer 1 spans both shards
        names = list(state)
        cut = names.index("transformer.h.1.mlp.fc_in.weight")
        shards = [("model-00001-of-00002.safetensors", names[:cut]), ("model-00002-of-00002.safetensors", names[cut:])]
        total, weight_map = 0, {}
        for file, part in shards:
            total += write_safetensors(os.path.join(d, file), {n: state[n] for n in part})
            weight_map.update({n: file for n in part})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
            f.write("\n")

    # reference outputs: the float32 model on each weight set as stored, upcast to float32
    result = {"generated_by": GENERATED_BY, "torch_version": torch.__version__,
              "description": "next_token_logprobs[r][t] = log p(rows[r][t+1] | rows[r][:t+1]) for t = 0..10; "
                             "argmax[r][t] = argmax of the logits at position t; last_logits[r] = the logits at the "
                             "last position (gptj-f32 only), rounded to 6 significant digits. Each model is the "
                             "float32 PyTorch GPT-J on the folder's weights as stored, upcast to float32.",
              "rows": ROWS, "tolerance": {}, "models": {}}
    refs = {}
    for folder, (dtype_name, params) in sets.items():
        logits, nxt, am = outputs(load_model({k: v.float() for k, v in params.items()}))
        refs[folder] = nxt
        entry = {"torch_dtype": dtype_name, "next_token_logprobs": nxt.tolist(), "argmax": am.tolist()}
        if folder == "gptj-f32":
            entry["last_logits"] = [[float(f"{x:.6g}") for x in row] for row in logits[:, -1].tolist()]
        result["models"][folder] = entry
        # how far float32 math is from float64 on the same weights: the tolerance only has to cover this
        m64 = load_model({k: v.float() for k, v in params.items()}).double()
        with torch.no_grad():
            l64 = m64(torch.tensor(ROWS)).log_softmax(-1)[:, :-1].gather(-1, torch.tensor(ROWS)[:, 1:, None])[..., 0]
        err = (l64 - nxt.double()).abs().max().item()
        print(f"{folder}: float32 vs float64 log-prob max diff {err:.2e}")
        assert err < 1e-5, err
        result["tolerance"][folder] = 1e-4
    for a, b in (("gptj-f32", "gptj-bf16-sharded"), ("gptj-f32", "gptj-f16")):
        print(f"{a} vs {b}: log-prob max diff {(refs[a] - refs[b]).abs().max().item():.3e} (weights rounding)")
    with open(os.path.join(OUT, "hf_gptj_logits.json"), "w") as f:
        json.dump(result, f)
        f.write("\n")

    # sanity check: read every folder back with this script's own reader, rebuild the model, compare
    stored = json.load(open(os.path.join(OUT, "hf_gptj_logits.json")))
    for folder, (dtype_name, params) in sets.items():
        d = os.path.join(OUT, folder)
        cfg = json.load(open(os.path.join(d, "config.json")))
        assert cfg["torch_dtype"] == dtype_name
        if os.path.exists(os.path.join(d, "model.safetensors.index.json")):
            index = json.load(open(os.path.join(d, "model.safetensors.index.json")))
            files = sorted(set(index["weight_map"].values()))
            assert files == sorted(f for f in os.listdir(d) if f.endswith(".safetensors")) and len(files) == 2
        else:
            index, files = None, ["model.safetensors"]
        loaded, total = {}, 0
        for file in files:
            part = read_safetensors(os.path.join(d, file))
            total += sum(ST_SIZE[dt] * math.prod(t.shape) for t, dt in part.values())
            if index:
                assert all(index["weight_map"][n] == file for n in part)
            assert not set(part) & set(loaded)
            loaded.update(part)
        if index:
            assert index["metadata"]["total_size"] == total and set(index["weight_map"]) == set(loaded)
        want_dtype = {"float32": "F32", "bfloat16": "BF16", "float16": "F16"}[dtype_name]
        weights = {}
        for name, (t, dt) in loaded.items():
            if name.endswith("attn.bias"):
                assert dt == ("U8" if folder == "gptj-f16" else "BOOL") and list(t.shape) == [1, 1, SEQ, SEQ]
                assert torch.equal(t[0, 0].bool(), torch.ones(SEQ, SEQ, dtype=torch.bool).tril())
            elif name.endswith("attn.masked_bias"):
                assert dt == "F32" and list(t.shape) == [] and t.item() == -1e9
            else:
                assert dt == want_dtype, (folder, name, dt)
                assert torch.equal(t, params[name].float()), (folder, name)  # exactly the rounded weights
                weights[name] = t
        assert len(weights) == len(f32)
        _, nxt, am = outputs(load_model(weights, cfg))
        ref = torch.tensor(stored["models"][folder]["next_token_logprobs"])
        assert torch.equal(nxt, ref), (folder, (nxt - ref).abs().max())
        assert am.tolist() == stored["models"][folder]["argmax"]
        if folder == "gptj-f32":  # misreading n_head or rotary_dim must show far beyond the tolerance
            for bad in ({"n_head": 1}, {"rotary_dim": D // HEADS}, {"n_head": 1, "rotary_dim": D}):
                _, wrong, _ = outputs(load_model(weights, {**cfg, **bad}))
                diff = (wrong - ref).abs().max().item()
                print(f"  config {bad}: log-prob max diff {diff:.3f}")
                assert diff > 100 * stored["tolerance"][folder], bad
        print(f"{folder}: read back, log-probs and argmax match")

    for root, _, files in sorted(os.walk(OUT)):
        for f in sorted(files):
            p = os.path.join(root, f)
            print(f"{os.path.relpath(p, here):55s} {os.path.getsize(p):>10,d} bytes")


if __name__ == "__main__":
    main()

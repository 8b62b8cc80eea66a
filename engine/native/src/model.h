// model.h - a GPT-J-style decoder: rotary attention and a GELU MLP in parallel off one LayerNorm per block.
// Not a general module system: parameters are plain tensors so the hot path stays a handful of GEMMs.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "activeit_engine.h"

namespace ait {

// One block. q, k, v and fc_in read the same LayerNorm output; their weights live in one matrix (one optimizer
// tensor); save() and load() split and join it under GPT-J's parameter names.
struct Block {
    at::Tensor ln_w, ln_b;   // (d)
    at::Tensor w_in;         // (3d + F, d): rows [q; k; v; fc_in]
    at::Tensor b_fc_in;      // (F)
    at::Tensor w_o;          // (d, d)  attn.out_proj (no bias, as GPT-J)
    at::Tensor w_fc_out;     // (d, F)
    at::Tensor b_fc_out;     // (d)
};

// Keys and values of past positions, per layer: (B, H, capacity, head_dim).
struct KvCache {
    std::vector<at::Tensor> k, v;
    int64_t length = 0;
};

class Gpt {
public:
    Gpt(const ait_model_config& config, const at::Device& device, uint64_t seed);
    static std::shared_ptr<Gpt> load(const std::string& path, const at::Device& device);
    void save(const std::string& path, const std::map<std::string, std::string>& extra_metadata) const;

    const ait_model_config& config() const { return cfg_; }
    const at::Device& device() const { return device_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    std::vector<at::Tensor> parameters() const;
    // Whether AdamW's weight decay applies (matrices yes; biases and LayerNorm no).
    std::vector<bool> decay_mask() const;

    // tokens (B, T) int64; positions (B, T) or undefined for 0..T-1; bias broadcastable to (B*H, T, Tk),
    // 0 where attending is allowed and -1e9 where not, or undefined for plain causal attention.
    // Returns hidden states before ln_f: (B, T, d).
    at::Tensor forward(const at::Tensor& tokens, const at::Tensor& positions, const at::Tensor& bias, KvCache* cache) const;
    // rows (M, d) -> logits (M, V): ln_f and lm_head.
    at::Tensor head(const at::Tensor& rows) const;
    // (T, T) additive causal mask on the model's device.
    at::Tensor causal_bias(int64_t T) const;
    KvCache new_cache(int64_t batch, int64_t capacity) const;

private:
    at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;

    ait_model_config cfg_;
    at::Device device_;
    at::Tensor wte_;            // (V, d)
    std::vector<Block> blocks_;
    at::Tensor ln_f_w_, ln_f_b_;
    at::Tensor lm_w_, lm_b_;    // (V, d), (V)
    at::Tensor rot_cos_, rot_sin_;  // (max_seq_len, rotary_dim): interleaved pairs, sin signed (-s, +s)
    mutable at::Tensor causal_cache_;
    std::map<std::string, std::string> metadata_;
};

void validate_config(const ait_model_config& c);
at::Device parse_device(const char* device);

}  // namespace ait

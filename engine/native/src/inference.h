// inference.h - batched operations on a Gpt: target-span logits (shared with training), scoring, generation.
#pragma once

#include <ATen/ATen.h>

#include "activeit_engine.h"
#include "model.h"

namespace ait {

// A (B, T) batch with a target mask, validated and moved to the model's device.
struct TargetBatch {
    at::Tensor tokens;     // (B, T) int64
    at::Tensor positions;  // (M) int64: flat index b*T + t-1 of the position that predicts each target
    at::Tensor targets;    // (M) int64: the target token ids
    std::vector<int64_t> row;  // (M) batch row of each target, on the host
    int64_t batch = 0;
};

TargetBatch make_target_batch(const Gpt& model, const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len);
// Logits at the target positions only: (M, V). The LM head never runs on prompt positions.
at::Tensor target_logits(const Gpt& model, const TargetBatch& batch);

void score(const Gpt& model, const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len, double* out_sum,
           int32_t* out_count);
void token_logprobs(const Gpt& model, const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len, float* out);
void next_logits(const Gpt& model, const int32_t* tokens, const int32_t* lengths, int32_t batch, int32_t seq_len, float* out);
void generate(const Gpt& model, const int32_t* prompts, const int32_t* lengths, int32_t batch, const ait_generate_config& cfg,
              int32_t* out_tokens, int32_t* out_lengths);

}  // namespace ait

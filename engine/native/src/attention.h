// attention.h - causal self-attention for CPU training and scoring: per (batch, head) GEMMs on strided views,
// softmax in cache, no layout copies. Generation (padding masks, KV cache) uses the generic ATen path in model.cpp.
#pragma once

#include <ATen/ATen.h>

namespace ait {

// True where the fast kernel can run: a CPU tensor and a CBLAS in the process.
bool causal_attention_available(const at::Tensor& q);

// q, k, v: (B, T, H, hd) with any strides in B and T but hd contiguous; returns (B, T, H, hd). Differentiable.
at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale);

}  // namespace ait

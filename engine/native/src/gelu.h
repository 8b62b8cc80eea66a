// gelu.h - GPT-J's GELU (tanh approximation, "gelu_new") as one fused, vectorised CPU kernel pair.
#pragma once

#include <ATen/ATen.h>

namespace ait {

// Differentiable; CPU float tensors take the fused kernel, anything else at::gelu(x, "tanh").
at::Tensor gelu_tanh(const at::Tensor& x);

}  // namespace ait

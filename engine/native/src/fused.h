// fused.h - the process-wide switch between the fused CPU kernels and plain ATen ops.
#pragma once

namespace ait {

bool fused_kernels_enabled();
void set_fused_kernels(bool enabled);

}  // namespace ait

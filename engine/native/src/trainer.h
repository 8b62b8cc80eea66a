// trainer.h - AdamW with warm-up, linear/cosine decay and global-norm clipping over a Gpt's parameters.
#pragma once

#include <memory>
#include <vector>

#include "activeit_engine.h"
#include "model.h"

namespace ait {

class Trainer {
public:
    Trainer(std::shared_ptr<Gpt> model, const ait_train_config& config);
    ait_step_result step(const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len);
    float learning_rate(int64_t step) const;

private:
    std::shared_ptr<Gpt> model_;
    ait_train_config cfg_;
    std::vector<at::Tensor> params_, m_, v_;
    std::vector<bool> decay_;
    int64_t step_ = 0;
};

}  // namespace ait

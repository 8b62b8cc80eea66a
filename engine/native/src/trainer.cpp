// trainer.cpp - one optimisation step: masked cross-entropy, backward, clip, AdamW (decoupled weight decay).
#include "trainer.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "inference.h"

namespace ait {

Trainer::Trainer(std::shared_ptr<Gpt> model, const ait_train_config& config) : model_(std::move(model)), cfg_(config) {
    auto require = [](bool ok, const char* message) {
        if (!ok) throw std::invalid_argument(message);
    };
    require(cfg_.lr > 0, "train config: lr must be positive");
    require(cfg_.weight_decay >= 0, "train config: weight_decay must be >= 0");
    require(cfg_.beta1 >= 0 && cfg_.beta1 < 1 && cfg_.beta2 >= 0 && cfg_.beta2 < 1, "train config: betas must be in [0, 1)");
    require(cfg_.eps > 0, "train config: eps must be positive");
    require(cfg_.warmup_steps >= 0, "train config: warmup_steps must be >= 0");
    require(cfg_.total_steps > 0 || cfg_.schedule == 0, "train config: total_steps must be positive for a decaying schedule");
    require(cfg_.schedule >= 0 && cfg_.schedule <= 2, "train config: schedule must be 0 (constant), 1 (linear) or 2 (cosine)");
    require(cfg_.min_lr_ratio >= 0 && cfg_.min_lr_ratio <= 1, "train config: min_lr_ratio must be in [0, 1]");
    params_ = model_->parameters();
    decay_ = model_->decay_mask();
    for (const auto& p : params_) {
        m_.push_back(at::zeros_like(p).detach());
        v_.push_back(at::zeros_like(p).detach());
    }
}

float Trainer::learning_rate(int64_t step) const {
    if (step < cfg_.warmup_steps) return cfg_.lr * static_cast<float>(step + 1) / static_cast<float>(cfg_.warmup_steps + 1);
    if (cfg_.schedule == 0) return cfg_.lr;
    const double span = std::max<int64_t>(1, cfg_.total_steps - cfg_.warmup_steps);
    const double progress = std::min(1.0, static_cast<double>(step - cfg_.warmup_steps) / span);
    const double shape = cfg_.schedule == 1 ? 1.0 - progress : 0.5 * (1.0 + std::cos(M_PI * progress));
    return static_cast<float>(cfg_.lr * (cfg_.min_lr_ratio + (1.0 - cfg_.min_lr_ratio) * shape));
}

ait_step_result Trainer::step(const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len) {
    TargetBatch tb = make_target_batch(*model_, tokens, mask, batch, seq_len);
    if (tb.row.empty()) throw std::invalid_argument("training batch has no target tokens (the target mask is all zero)");
    for (auto& p : params_) p.mutable_grad() = at::Tensor();

    auto loss = at::cross_entropy_loss(target_logits(*model_, tb), tb.targets);
    loss.backward();

    at::NoGradGuard no_grad;
    std::vector<at::Tensor> norms;
    for (const auto& p : params_) norms.push_back(p.grad().pow(2).sum());
    const float grad_norm = at::stack(norms).sum().sqrt().item<float>();
    const float clip_scale = cfg_.grad_clip > 0 && grad_norm > cfg_.grad_clip ? cfg_.grad_clip / (grad_norm + 1e-6f) : 1.f;

    const float lr = learning_rate(step_);
    step_ += 1;
    const double bc1 = 1.0 - std::pow(cfg_.beta1, static_cast<double>(step_));
    const double bc2 = 1.0 - std::pow(cfg_.beta2, static_cast<double>(step_));
    for (size_t i = 0; i < params_.size(); i++) {
        auto& p = params_[i];
        auto g = p.grad();
        if (clip_scale != 1.f) g.mul_(clip_scale);
        m_[i].mul_(cfg_.beta1).add_(g, 1.0 - cfg_.beta1);
        v_[i].mul_(cfg_.beta2).addcmul_(g, g, 1.0 - cfg_.beta2);
        if (decay_[i] && cfg_.weight_decay > 0) p.mul_(1.0 - lr * cfg_.weight_decay);
        auto denom = (v_[i] / bc2).sqrt_().add_(cfg_.eps);
        p.addcdiv_(m_[i], denom, -lr / bc1);
    }
    return ait_step_result{loss.item<float>(), grad_norm, lr, static_cast<int32_t>(tb.row.size())};
}

}  // namespace ait

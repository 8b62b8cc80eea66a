// inference.cpp - scoring, next-token logits and KV-cached generation with left padding.
#include "inference.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace ait {
namespace {

constexpr float kMasked = -1e9f;

void require(bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
}

void check_shape(const Gpt& model, int32_t batch, int32_t seq_len) {
    require(batch > 0, "empty batch (batch = " + std::to_string(batch) + ")");
    require(seq_len > 0, "empty sequences (seq_len = " + std::to_string(seq_len) + ")");
    require(seq_len <= model.config().max_seq_len, "seq_len " + std::to_string(seq_len) + " exceeds the model's max_seq_len " +
                                                       std::to_string(model.config().max_seq_len));
}

void check_tokens(const Gpt& model, const int32_t* tokens, int64_t count, int32_t seq_len) {
    const int32_t vocab = model.config().vocab_size;
    for (int64_t i = 0; i < count; i++) {
        if (tokens[i] < 0 || tokens[i] >= vocab) {
            throw std::invalid_argument("token id " + std::to_string(tokens[i]) + " at row " + std::to_string(i / seq_len) +
                                        ", position " + std::to_string(i % seq_len) + " is outside the vocabulary [0, " +
                                        std::to_string(vocab) + ")");
        }
    }
}

at::Tensor to_device_long(const Gpt& model, const int32_t* data, std::vector<int64_t> shape) {
    return at::from_blob(const_cast<int32_t*>(data), shape, at::kInt).to(model.device(), at::kLong);
}

// Picks a token from one row of logits: greedy (first maximum) or sampled with temperature, top-k and top-p.
int32_t choose(const float* logits, int64_t V, const ait_generate_config& cfg, std::mt19937_64& rng) {
    if (cfg.temperature <= 0) return static_cast<int32_t>(std::max_element(logits, logits + V) - logits);
    std::vector<int32_t> order(V);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });
    int64_t keep = cfg.top_k > 0 ? std::min<int64_t>(cfg.top_k, V) : V;
    std::vector<double> p(keep);
    const double top = logits[order[0]];
    double total = 0;
    for (int64_t i = 0; i < keep; i++) total += p[i] = std::exp((logits[order[i]] - top) / cfg.temperature);
    if (cfg.top_p < 1) {
        double mass = 0;
        for (int64_t i = 0; i < keep; i++) {
            mass += p[i] / total;
            if (mass >= cfg.top_p) {
                keep = i + 1;
                break;
            }
        }
        total = std::accumulate(p.begin(), p.begin() + keep, 0.0);
    }
    double u = std::uniform_real_distribution<double>(0.0, total)(rng);
    for (int64_t i = 0; i < keep; i++) {
        u -= p[i];
        if (u <= 0) return order[i];
    }
    return order[keep - 1];
}

}  // namespace

TargetBatch make_target_batch(const Gpt& model, const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len) {
    check_shape(model, batch, seq_len);
    const int64_t n = static_cast<int64_t>(batch) * seq_len;
    check_tokens(model, tokens, n, seq_len);
    std::vector<int64_t> positions, targets;
    TargetBatch out;
    for (int64_t b = 0; b < batch; b++) {
        require(mask[b * seq_len] == 0, "target mask at row " + std::to_string(b) + ", position 0: the first token has no preceding token to predict it");
        for (int64_t t = 1; t < seq_len; t++) {
            if (mask[b * seq_len + t] == 0) continue;
            positions.push_back(b * seq_len + t - 1);
            targets.push_back(tokens[b * seq_len + t]);
            out.row.push_back(b);
        }
    }
    out.batch = batch;
    out.tokens = to_device_long(model, tokens, {batch, seq_len});
    auto opts = at::TensorOptions().dtype(at::kLong);
    out.positions = at::tensor(positions, opts).to(model.device());
    out.targets = at::tensor(targets, opts).to(model.device());
    return out;
}

at::Tensor target_logits(const Gpt& model, const TargetBatch& batch) {
    auto hidden = model.forward(batch.tokens, at::Tensor(), at::Tensor(), nullptr);  // (B, T, d)
    auto rows = hidden.view({-1, model.config().d_model}).index_select(0, batch.positions);  // (M, d)
    return model.head(rows);                                                                 // (M, V)
}

void score(const Gpt& model, const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len, double* out_sum,
           int32_t* out_count) {
    c10::InferenceMode guard;
    TargetBatch tb = make_target_batch(model, tokens, mask, batch, seq_len);
    std::fill(out_sum, out_sum + batch, 0.0);
    std::fill(out_count, out_count + batch, 0);
    if (tb.row.empty()) return;
    auto logp = at::log_softmax(target_logits(model, tb), -1).gather(1, tb.targets.unsqueeze(1)).squeeze(1);  // (M)
    auto host = logp.to(at::kCPU, at::kDouble).contiguous();
    const double* lp = host.data_ptr<double>();
    for (size_t i = 0; i < tb.row.size(); i++) {
        out_sum[tb.row[i]] += lp[i];
        out_count[tb.row[i]] += 1;
    }
}

void token_logprobs(const Gpt& model, const int32_t* tokens, const uint8_t* mask, int32_t batch, int32_t seq_len, float* out) {
    c10::InferenceMode guard;
    TargetBatch tb = make_target_batch(model, tokens, mask, batch, seq_len);
    std::fill(out, out + static_cast<int64_t>(batch) * seq_len, 0.f);
    if (tb.row.empty()) return;
    auto logp = at::log_softmax(target_logits(model, tb), -1).gather(1, tb.targets.unsqueeze(1)).squeeze(1).to(at::kCPU).contiguous();
    auto positions = tb.positions.to(at::kCPU).contiguous();
    const float* lp = logp.data_ptr<float>();
    const int64_t* pos = positions.data_ptr<int64_t>();
    for (int64_t i = 0; i < logp.numel(); i++) out[pos[i] + 1] = lp[i];  // position t-1 predicts token t
}

void next_logits(const Gpt& model, const int32_t* tokens, const int32_t* lengths, int32_t batch, int32_t seq_len, float* out) {
    c10::InferenceMode guard;
    check_shape(model, batch, seq_len);
    check_tokens(model, tokens, static_cast<int64_t>(batch) * seq_len, seq_len);
    std::vector<int64_t> last(batch);
    for (int64_t b = 0; b < batch; b++) {
        require(lengths[b] >= 1 && lengths[b] <= seq_len, "length " + std::to_string(lengths[b]) + " of row " + std::to_string(b) +
                                                              " is outside 1.." + std::to_string(seq_len));
        last[b] = b * seq_len + lengths[b] - 1;
    }
    auto hidden = model.forward(to_device_long(model, tokens, {batch, seq_len}), at::Tensor(), at::Tensor(), nullptr);
    auto idx = at::tensor(last, at::TensorOptions().dtype(at::kLong)).to(model.device());
    auto logits = model.head(hidden.view({-1, model.config().d_model}).index_select(0, idx)).to(at::kCPU).contiguous();
    std::copy(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel(), out);
}

void generate(const Gpt& model, const int32_t* prompts, const int32_t* lengths, int32_t batch, const ait_generate_config& cfg,
              int32_t* out_tokens, int32_t* out_lengths) {
    c10::InferenceMode guard;
    require(batch > 0, "empty batch (batch = " + std::to_string(batch) + ")");
    require(cfg.max_new_tokens > 0, "max_new_tokens must be positive");
    require(cfg.n_stop_tokens >= 0 && (cfg.n_stop_tokens == 0 || cfg.stop_tokens != nullptr), "stop_tokens is null");
    const int64_t S = model.config().max_seq_len, H = model.config().n_head, V = model.config().vocab_size;
    int64_t total = 0, L = 0;
    for (int64_t b = 0; b < batch; b++) {
        require(lengths[b] > 0, "prompt of row " + std::to_string(b) + " is empty");
        total += lengths[b];
        L = std::max<int64_t>(L, lengths[b]);
    }
    require(prompts != nullptr, "argument 'prompts' is null");
    require(L < S, "prompt of " + std::to_string(L) + " tokens leaves no room to generate (max_seq_len " + std::to_string(S) + ")");
    check_tokens(model, prompts, total, static_cast<int32_t>(total));
    const int64_t new_tokens = std::min<int64_t>(cfg.max_new_tokens, S - L);  // generation stops at the context limit
    const int64_t capacity = L + new_tokens;

    // Left-pad to L so every row's next token sits in the last column; pads are masked as keys and their
    // positions clamp to 0, so each row sees exactly what it would see alone.
    std::vector<int64_t> seq(batch * L, 0), pos(batch * L, 0);
    std::vector<float> key_bias(batch * capacity, 0.f);
    for (int64_t b = 0, offset = 0; b < batch; offset += lengths[b], b++) {
        const int64_t pad = L - lengths[b];
        for (int64_t t = 0; t < lengths[b]; t++) {
            seq[b * L + pad + t] = prompts[offset + t];
            pos[b * L + pad + t] = t;
        }
        for (int64_t j = 0; j < pad; j++) key_bias[b * capacity + j] = kMasked;
    }
    const auto dev = model.device();
    auto long_opts = at::TensorOptions().dtype(at::kLong);
    auto keys = at::from_blob(key_bias.data(), {batch, 1, 1, capacity}, at::kFloat).to(dev);  // (B, 1, 1, cap)
    auto tokens = at::from_blob(seq.data(), {batch, L}, at::kLong).to(dev);
    auto positions = at::from_blob(pos.data(), {batch, L}, at::kLong).to(dev);

    // (B*H, T, Tk) bias for queries at [start, start+T) over keys [0, start+T).
    auto bias_for = [&](int64_t start, int64_t T) {
        auto causal = at::full({T, start + T}, kMasked, at::TensorOptions().dtype(at::kFloat).device(dev)).triu_(start + 1);
        auto b = keys.narrow(3, 0, start + T) + causal;  // (B, 1, T, Tk)
        return b.expand({batch, H, T, start + T}).reshape({batch * H, T, start + T});
    };

    KvCache cache;
    if (cfg.use_cache) cache = model.new_cache(batch, capacity);
    auto last_logits = [&](const at::Tensor& hidden) {
        auto rows = hidden.select(1, hidden.size(1) - 1);  // (B, d)
        return model.head(rows).to(at::kCPU).contiguous();  // (B, V)
    };
    at::Tensor logits = last_logits(model.forward(tokens, positions, bias_for(0, L), cfg.use_cache ? &cache : nullptr));

    std::mt19937_64 rng(cfg.seed);
    std::vector<bool> done(batch, false);
    std::fill(out_lengths, out_lengths + batch, 0);
    std::vector<int64_t> next(batch);
    for (int64_t step = 0; step < new_tokens; step++) {
        const float* lg = logits.data_ptr<float>();
        bool all_done = true;
        for (int64_t b = 0; b < batch; b++) {
            next[b] = choose(lg + b * V, V, cfg, rng);
            if (done[b]) continue;
            out_tokens[b * cfg.max_new_tokens + out_lengths[b]++] = static_cast<int32_t>(next[b]);
            done[b] = std::find(cfg.stop_tokens, cfg.stop_tokens + cfg.n_stop_tokens, next[b]) != cfg.stop_tokens + cfg.n_stop_tokens;
            all_done = all_done && done[b];
        }
        if (all_done || step + 1 == new_tokens) break;
        auto step_tokens = at::tensor(next, long_opts).view({batch, 1}).to(dev);
        std::vector<int64_t> step_pos(batch);
        for (int64_t b = 0; b < batch; b++) step_pos[b] = lengths[b] + step;
        auto step_positions = at::tensor(step_pos, long_opts).view({batch, 1}).to(dev);
        if (cfg.use_cache) {
            logits = last_logits(model.forward(step_tokens, step_positions, bias_for(L + step, 1), &cache));
        } else {
            tokens = at::cat({tokens, step_tokens}, 1);
            positions = at::cat({positions, step_positions}, 1);
            logits = last_logits(model.forward(tokens, positions, bias_for(0, tokens.size(1)), nullptr));
        }
    }
}

}  // namespace ait

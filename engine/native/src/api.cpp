// api.cpp - the exported C ABI: argument checks, handle ownership, and one exception barrier for every call.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>

#include "activeit_engine.h"
#include "blas.h"
#include "fused.h"
#include "inference.h"
#include "model.h"
#include "trainer.h"

namespace {
std::atomic<int64_t> live_models{0}, live_trainers{0};
}

struct ait_model {
    explicit ait_model(std::shared_ptr<ait::Gpt> g) : gpt(std::move(g)) { live_models++; }
    ~ait_model() { live_models--; }
    ait_model(const ait_model&) = delete;
    ait_model& operator=(const ait_model&) = delete;
    std::shared_ptr<ait::Gpt> gpt;
};

struct ait_trainer {
    explicit ait_trainer(std::unique_ptr<ait::Trainer> t) : trainer(std::move(t)) { live_trainers++; }
    ~ait_trainer() { live_trainers--; }
    ait_trainer(const ait_trainer&) = delete;
    ait_trainer& operator=(const ait_trainer&) = delete;
    std::unique_ptr<ait::Trainer> trainer;
};

namespace {

thread_local std::string last_error;

// Runs `body`; any C++ exception becomes AIT_ERROR with its message kept for ait_last_error().
template <typename F>
int guarded(F&& body) {
    try {
        body();
        last_error.clear();
        return AIT_OK;
    } catch (const c10::Error& e) {
        last_error = e.what_without_backtrace();
    } catch (const std::exception& e) {
        last_error = e.what();
    } catch (...) {
        last_error = "unknown native error";
    }
    return AIT_ERROR;
}

void require_batch(int32_t batch) {
    if (batch <= 0) throw std::invalid_argument("empty batch (batch = " + std::to_string(batch) + ")");
}

void require_arg(const void* p, const char* name) {
    if (p == nullptr) throw std::invalid_argument(std::string("argument '") + name + "' is null");
}

}  // namespace

extern "C" {

const char* ait_last_error(void) { return last_error.c_str(); }

int ait_runtime_set_threads(int32_t num_threads) {
    return guarded([&] {
        if (num_threads < 1) throw std::invalid_argument("num_threads must be at least 1");
        at::set_num_threads(num_threads);
        // OpenBLAS keeps its own pool; size it the same so the two never oversubscribe the cores.
        if (ait::blas().set_threads) ait::blas().set_threads(num_threads);
    });
}

int ait_runtime_set_fused_kernels(int32_t enabled) {
    return guarded([&] { ait::set_fused_kernels(enabled != 0); });
}

int ait_runtime_live_objects(int64_t* models, int64_t* trainers) {
    return guarded([&] {
        require_arg(models, "models");
        require_arg(trainers, "trainers");
        *models = live_models.load();
        *trainers = live_trainers.load();
    });
}

int ait_runtime_get_info(ait_runtime_info* out) {
    return guarded([&] {
        require_arg(out, "out");
        out->num_threads = at::get_num_threads();
        out->cuda_available = at::hasCUDA() ? 1 : 0;
        out->cuda_device_count = 0;
        if (at::hasCUDA()) out->cuda_device_count = static_cast<int32_t>(at::getNumGPUs());
        std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                        std::to_string(TORCH_VERSION_PATCH);
        std::strncpy(out->torch_version, v.c_str(), sizeof(out->torch_version) - 1);
        out->torch_version[sizeof(out->torch_version) - 1] = '\0';
    });
}

int ait_runtime_matmul_gflops(int32_t m, int32_t n, int32_t k, int32_t iterations, double* out_gflops) {
    return guarded([&] {
        require_arg(out_gflops, "out_gflops");
        if (m < 1 || n < 1 || k < 1 || iterations < 1) throw std::invalid_argument("matmul sizes and iterations must be positive");
        c10::InferenceMode guard;
        auto a = at::randn({m, k});
        auto b = at::randn({k, n});
        auto c = at::mm(a, b);  // warm-up: thread pools and caches
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; i++) at::mm_out(c, a, b);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        *out_gflops = 2.0 * m * n * k * iterations / seconds / 1e9;
    });
}

int ait_model_create(const ait_model_config* config, const char* device, uint64_t seed, ait_model** out) {
    return guarded([&] {
        require_arg(config, "config");
        require_arg(out, "out");
        *out = nullptr;
        auto gpt = std::make_shared<ait::Gpt>(*config, ait::parse_device(device), seed);
        *out = new ait_model(std::move(gpt));
    });
}

int ait_model_load(const char* path, const char* device, ait_model** out) {
    return guarded([&] {
        require_arg(path, "path");
        require_arg(out, "out");
        *out = nullptr;
        *out = new ait_model(ait::Gpt::load(path, ait::parse_device(device)));
    });
}

int ait_model_save(ait_model* model, const char* path, const char* const* meta_keys, const char* const* meta_values, int32_t n_meta) {
    return guarded([&] {
        require_arg(model, "model");
        require_arg(path, "path");
        std::map<std::string, std::string> meta;
        for (int32_t i = 0; i < n_meta; i++) {
            require_arg(meta_keys, "meta_keys");
            require_arg(meta_values, "meta_values");
            require_arg(meta_keys[i], "meta_keys[i]");
            require_arg(meta_values[i], "meta_values[i]");
            meta[meta_keys[i]] = meta_values[i];
        }
        model->gpt->save(path, meta);
    });
}

void ait_model_free(ait_model* model) { delete model; }

int ait_model_get_config(ait_model* model, ait_model_config* out) {
    return guarded([&] {
        require_arg(model, "model");
        require_arg(out, "out");
        *out = model->gpt->config();
    });
}

int ait_model_num_params(ait_model* model, int64_t* out) {
    return guarded([&] {
        require_arg(model, "model");
        require_arg(out, "out");
        int64_t n = 0;
        for (const auto& p : model->gpt->parameters()) n += p.numel();
        *out = n;
    });
}

int ait_model_get_metadata(ait_model* model, const char* key, char* buf, int32_t capacity, int32_t* len) {
    return guarded([&] {
        require_arg(model, "model");
        require_arg(key, "key");
        require_arg(len, "len");
        const auto& meta = model->gpt->metadata();
        auto it = meta.find(key);
        if (it == meta.end()) {
            *len = -1;
            return;
        }
        *len = static_cast<int32_t>(it->second.size());
        if (buf != nullptr && capacity > 0) {
            size_t n = std::min<size_t>(it->second.size(), static_cast<size_t>(capacity));
            std::memcpy(buf, it->second.data(), n);
        }
    });
}

int ait_model_score(ait_model* model, const int32_t* tokens, const uint8_t* target_mask, int32_t batch, int32_t seq_len,
                    double* out_logprob_sum, int32_t* out_token_count) {
    return guarded([&] {
        require_batch(batch);
        require_arg(model, "model");
        require_arg(tokens, "tokens");
        require_arg(target_mask, "target_mask");
        require_arg(out_logprob_sum, "out_logprob_sum");
        require_arg(out_token_count, "out_token_count");
        ait::score(*model->gpt, tokens, target_mask, batch, seq_len, out_logprob_sum, out_token_count);
    });
}

int ait_model_token_logprobs(ait_model* model, const int32_t* tokens, const uint8_t* target_mask, int32_t batch, int32_t seq_len,
                             float* out_logprobs) {
    return guarded([&] {
        require_batch(batch);
        require_arg(model, "model");
        require_arg(tokens, "tokens");
        require_arg(target_mask, "target_mask");
        require_arg(out_logprobs, "out_logprobs");
        ait::token_logprobs(*model->gpt, tokens, target_mask, batch, seq_len, out_logprobs);
    });
}

int ait_model_next_logits(ait_model* model, const int32_t* tokens, const int32_t* lengths, int32_t batch, int32_t seq_len,
                          float* out_logits) {
    return guarded([&] {
        require_batch(batch);
        require_arg(model, "model");
        require_arg(tokens, "tokens");
        require_arg(lengths, "lengths");
        require_arg(out_logits, "out_logits");
        ait::next_logits(*model->gpt, tokens, lengths, batch, seq_len, out_logits);
    });
}

int ait_model_generate(ait_model* model, const int32_t* prompts, const int32_t* prompt_lengths, int32_t batch,
                       const ait_generate_config* config, int32_t* out_tokens, int32_t* out_lengths) {
    return guarded([&] {
        require_batch(batch);
        require_arg(model, "model");
        require_arg(prompt_lengths, "prompt_lengths");
        require_arg(config, "config");
        require_arg(out_tokens, "out_tokens");
        require_arg(out_lengths, "out_lengths");
        ait::generate(*model->gpt, prompts, prompt_lengths, batch, *config, out_tokens, out_lengths);
    });
}

int ait_trainer_create(ait_model* model, const ait_train_config* config, ait_trainer** out) {
    return guarded([&] {
        require_arg(model, "model");
        require_arg(config, "config");
        require_arg(out, "out");
        *out = nullptr;
        *out = new ait_trainer(std::make_unique<ait::Trainer>(model->gpt, *config));
    });
}

void ait_trainer_free(ait_trainer* trainer) { delete trainer; }

int ait_trainer_step(ait_trainer* trainer, const int32_t* tokens, const uint8_t* target_mask, int32_t batch, int32_t seq_len,
                     ait_step_result* out) {
    return guarded([&] {
        require_batch(batch);
        require_arg(trainer, "trainer");
        require_arg(tokens, "tokens");
        require_arg(target_mask, "target_mask");
        require_arg(out, "out");
        *out = trainer->trainer->step(tokens, target_mask, batch, seq_len);
    });
}

}  // extern "C"

// activeit_engine.h - the C ABI of the ActiveIT model engine (a GPT-J-style decoder over libtorch).
// Every function but ait_last_error and the *_free functions returns AIT_OK or AIT_ERROR; on AIT_ERROR,
// ait_last_error() holds a message for the calling thread (owned by the library, valid until the next call).
// Handles are not thread-safe: one call at a time per model/trainer.
#ifndef ACTIVEIT_ENGINE_H
#define ACTIVEIT_ENGINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AIT_API __attribute__((visibility("default")))
#define AIT_OK 0
#define AIT_ERROR 1

typedef struct ait_model ait_model;
typedef struct ait_trainer ait_trainer;

typedef struct ait_model_config {
    int32_t vocab_size;
    int32_t n_layer;
    int32_t n_head;
    int32_t d_model;
    int32_t n_inner;      // MLP width; GPT-J uses 4 * d_model
    int32_t rotary_dim;   // leading dims of each head that get rotary embeddings (even, <= head dim)
    int32_t max_seq_len;
    float layer_norm_eps;
    float init_std;
} ait_model_config;

// Schedules: 0 constant, 1 linear decay, 2 cosine decay (after linear warm-up, down to min_lr_ratio * lr).
typedef struct ait_train_config {
    float lr;
    float weight_decay;
    float beta1;
    float beta2;
    float eps;
    float grad_clip;      // <= 0 disables clipping
    int32_t warmup_steps;
    int32_t total_steps;
    int32_t schedule;
    float min_lr_ratio;
} ait_train_config;

typedef struct ait_step_result {
    float loss;           // mean NLL over target tokens
    float grad_norm;      // before clipping
    float lr;             // learning rate used for this step
    int32_t target_tokens;
} ait_step_result;

typedef struct ait_generate_config {
    int32_t max_new_tokens;
    float temperature;    // 0 = greedy
    int32_t top_k;        // 0 = off
    float top_p;          // >= 1 = off
    uint64_t seed;
    int32_t use_cache;    // 0 recomputes the whole sequence each step (for testing the KV cache)
    const int32_t* stop_tokens;
    int32_t n_stop_tokens;
} ait_generate_config;

typedef struct ait_runtime_info {
    int32_t num_threads;
    int32_t cuda_available;
    int32_t cuda_device_count;
    char torch_version[32];
} ait_runtime_info;

AIT_API const char* ait_last_error(void);

AIT_API int ait_runtime_set_threads(int32_t num_threads);
AIT_API int ait_runtime_get_info(ait_runtime_info* out);
// Fused CPU kernels (causal attention, GELU) on (1, the default) or off (0: plain ATen ops, the reference they are
// tested against). Process-wide.
AIT_API int ait_runtime_set_fused_kernels(int32_t enabled);
// How many models and trainers are alive (created and not yet freed): lets tests prove no handle leaks.
AIT_API int ait_runtime_live_objects(int64_t* models, int64_t* trainers);
// C[m,n] = A[m,k] B[k,n] repeated `iterations` times on random float32 data; the matmul-peak reference.
AIT_API int ait_runtime_matmul_gflops(int32_t m, int32_t n, int32_t k, int32_t iterations, double* out_gflops);

AIT_API int ait_model_create(const ait_model_config* config, const char* device, uint64_t seed, ait_model** out);
AIT_API int ait_model_load(const char* path, const char* device, ait_model** out);
AIT_API int ait_model_save(ait_model* model, const char* path, const char* const* meta_keys,
                           const char* const* meta_values, int32_t n_meta);
AIT_API void ait_model_free(ait_model* model);
AIT_API int ait_model_get_config(ait_model* model, ait_model_config* out);
AIT_API int ait_model_num_params(ait_model* model, int64_t* out);
// Copies metadata value for `key` (from a loaded checkpoint) into buf; *len gets the full length, -1 if absent.
AIT_API int ait_model_get_metadata(ait_model* model, const char* key, char* buf, int32_t capacity, int32_t* len);

// tokens, target_mask: (batch, seq_len) row-major; mask[b,t] = 1 makes token t a target predicted from t-1.
// out_logprob_sum (batch), out_token_count (batch).
AIT_API int ait_model_score(ait_model* model, const int32_t* tokens, const uint8_t* target_mask, int32_t batch,
                            int32_t seq_len, double* out_logprob_sum, int32_t* out_token_count);
// Per-token log-probabilities: out_logprobs (batch, seq_len) gets log p(token[b,t] | tokens[b,<t]) where
// target_mask[b,t] = 1, and 0 elsewhere.
AIT_API int ait_model_token_logprobs(ait_model* model, const int32_t* tokens, const uint8_t* target_mask, int32_t batch,
                                     int32_t seq_len, float* out_logprobs);
// Logits after the last real token of each row: tokens (batch, seq_len) right-padded, lengths (batch),
// out_logits (batch, vocab_size).
AIT_API int ait_model_next_logits(ait_model* model, const int32_t* tokens, const int32_t* lengths, int32_t batch,
                                  int32_t seq_len, float* out_logits);
// prompts: concatenated token ids, prompt_lengths (batch). out_tokens (batch, max_new_tokens), out_lengths (batch):
// generated ids per row, including the stop token that ended the row.
AIT_API int ait_model_generate(ait_model* model, const int32_t* prompts, const int32_t* prompt_lengths,
                               int32_t batch, const ait_generate_config* config, int32_t* out_tokens,
                               int32_t* out_lengths);

AIT_API int ait_trainer_create(ait_model* model, const ait_train_config* config, ait_trainer** out);
AIT_API void ait_trainer_free(ait_trainer* trainer);
AIT_API int ait_trainer_step(ait_trainer* trainer, const int32_t* tokens, const uint8_t* target_mask, int32_t batch,
                             int32_t seq_len, ait_step_result* out);

#ifdef __cplusplus
}
#endif
#endif

// model.cpp - parameters, initialisation, forward pass and safetensors mapping of the GPT-J-style decoder.
#include "model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <cmath>
#include <stdexcept>

#include "attention.h"
#include "gelu.h"
#include "safetensors.h"

namespace ait {
namespace {

constexpr float kMasked = -1e9f;  // finite, so a fully masked (padding) row softmaxes to uniform, not NaN

void require(bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
}

std::string layer_name(size_t i, const char* suffix) { return "transformer.h." + std::to_string(i) + "." + suffix; }

// GPT-J config keys (Hugging Face names) stored in the checkpoint metadata.
std::map<std::string, std::string> config_metadata(const ait_model_config& c) {
    return {{"format", "pt"},
            {"model_type", "gptj"},
            {"vocab_size", std::to_string(c.vocab_size)},
            {"n_layer", std::to_string(c.n_layer)},
            {"n_head", std::to_string(c.n_head)},
            {"n_embd", std::to_string(c.d_model)},
            {"n_inner", std::to_string(c.n_inner)},
            {"rotary_dim", std::to_string(c.rotary_dim)},
            {"n_positions", std::to_string(c.max_seq_len)},
            {"layer_norm_epsilon", std::to_string(c.layer_norm_eps)},
            {"initializer_range", std::to_string(c.init_std)}};
}

ait_model_config config_from_metadata(const std::map<std::string, std::string>& m, const std::string& path) {
    auto get = [&](const char* key) -> const std::string& {
        auto it = m.find(key);
        if (it == m.end())
            throw std::runtime_error(path + ": metadata lacks '" + key + "' (not a checkpoint written by ActiveIT?)");
        return it->second;
    };
    auto as_int = [&](const char* key) {
        try {
            return static_cast<int32_t>(std::stol(get(key)));
        } catch (const std::logic_error&) {
            throw std::runtime_error(path + ": metadata '" + key + "' is not an integer: " + get(key));
        }
    };
    auto as_float = [&](const char* key) {
        try {
            return std::stof(get(key));
        } catch (const std::logic_error&) {
            throw std::runtime_error(path + ": metadata '" + key + "' is not a number: " + get(key));
        }
    };
    ait_model_config c{};
    c.vocab_size = as_int("vocab_size");
    c.n_layer = as_int("n_layer");
    c.n_head = as_int("n_head");
    c.d_model = as_int("n_embd");
    c.n_inner = as_int("n_inner");
    c.rotary_dim = as_int("rotary_dim");
    c.max_seq_len = as_int("n_positions");
    c.layer_norm_eps = as_float("layer_norm_epsilon");
    c.init_std = m.count("initializer_range") ? as_float("initializer_range") : 0.02f;
    return c;
}

}  // namespace

void validate_config(const ait_model_config& c) {
    require(c.vocab_size > 0 && c.vocab_size <= (1 << 24), "config.vocab_size must be in 1..16777216");
    require(c.n_layer > 0 && c.n_layer <= 1024, "config.n_layer must be in 1..1024");
    require(c.n_head > 0, "config.n_head must be positive");
    require(c.d_model > 0 && c.d_model % c.n_head == 0, "config.d_model must be a positive multiple of n_head");
    require(c.n_inner > 0, "config.n_inner must be positive");
    const int head_dim = c.d_model / c.n_head;
    require(c.rotary_dim >= 0 && c.rotary_dim % 2 == 0 && c.rotary_dim <= head_dim,
            "config.rotary_dim must be even and at most the head dimension (" + std::to_string(head_dim) + ")");
    require(c.max_seq_len > 1 && c.max_seq_len <= (1 << 20), "config.max_seq_len must be in 2..1048576");
    require(c.layer_norm_eps > 0, "config.layer_norm_eps must be positive");
    require(c.init_std > 0, "config.init_std must be positive");
}

at::Device parse_device(const char* device) {
    std::string name = device == nullptr || *device == '\0' ? "cpu" : device;
    at::Device d = [&] {
        try {
            return at::Device(name);
        } catch (const std::exception&) {
            throw std::invalid_argument("unknown device '" + name + "' (use cpu, cuda or cuda:N)");
        }
    }();
    if (d.is_cuda()) {
        require(at::hasCUDA(), "device '" + name + "' requested but this libtorch build has no CUDA or no GPU is visible");
    } else {
        require(d.is_cpu(), "unsupported device '" + name + "' (use cpu, cuda or cuda:N)");
    }
    return d;
}

Gpt::Gpt(const ait_model_config& config, const at::Device& device, uint64_t seed) : cfg_(config), device_(device) {
    validate_config(cfg_);
    const int64_t d = cfg_.d_model, F = cfg_.n_inner, V = cfg_.vocab_size;
    // Initialise on the CPU from a private generator, so a seed gives the same weights on every device.
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto opts = at::TensorOptions().dtype(at::kFloat);
    auto normal = [&](std::vector<int64_t> shape, double std) {
        return at::empty(shape, opts).normal_(0.0, std, gen).to(device_).requires_grad_(true);
    };
    auto fill = [&](int64_t n, float v) { return at::full({n}, v, opts).to(device_).requires_grad_(true); };
    // GPT-2's scaled init for projections that write into the residual stream keeps its variance flat in depth.
    const double residual_std = cfg_.init_std / std::sqrt(2.0 * cfg_.n_layer);
    wte_ = normal({V, d}, cfg_.init_std);
    for (int i = 0; i < cfg_.n_layer; i++) {
        Block b;
        b.ln_w = fill(d, 1.f);
        b.ln_b = fill(d, 0.f);
        b.w_in = normal({3 * d + F, d}, cfg_.init_std);
        b.b_fc_in = fill(F, 0.f);
        b.w_o = normal({d, d}, residual_std);
        b.w_fc_out = normal({d, F}, residual_std);
        b.b_fc_out = fill(d, 0.f);
        blocks_.push_back(std::move(b));
    }
    ln_f_w_ = fill(d, 1.f);
    ln_f_b_ = fill(d, 0.f);
    lm_w_ = normal({V, d}, cfg_.init_std);
    lm_b_ = fill(V, 0.f);

    // Rotary tables as GPT-J: inv_freq_i = 10000^(-2i/rotary_dim), each angle used for a pair (2i, 2i+1).
    const int64_t rd = cfg_.rotary_dim;
    if (rd > 0) {
        auto inv_freq = at::pow(10000.0, -at::arange(0, rd, 2, opts.dtype(at::kDouble)) / static_cast<double>(rd));
        auto angles = at::outer(at::arange(cfg_.max_seq_len, opts.dtype(at::kDouble)), inv_freq);  // (S, rd/2)
        auto cos = at::cos(angles).repeat_interleave(2, 1);
        auto sin = at::sin(angles);
        auto sin_signed = at::stack({-sin, sin}, -1).reshape({cfg_.max_seq_len, rd});
        rot_cos_ = cos.to(at::kFloat).to(device_);
        rot_sin_ = sin_signed.to(at::kFloat).to(device_);
    }
}

std::vector<at::Tensor> Gpt::parameters() const {
    std::vector<at::Tensor> p{wte_};
    for (const auto& b : blocks_) {
        for (const auto& t : {b.ln_w, b.ln_b, b.w_in, b.b_fc_in, b.w_o, b.w_fc_out, b.b_fc_out}) p.push_back(t);
    }
    for (const auto& t : {ln_f_w_, ln_f_b_, lm_w_, lm_b_}) p.push_back(t);
    return p;
}

std::vector<bool> Gpt::decay_mask() const {
    std::vector<bool> mask;
    for (const auto& p : parameters()) mask.push_back(p.dim() >= 2);
    return mask;
}

at::Tensor Gpt::causal_bias(int64_t T) const {
    if (!causal_cache_.defined() || causal_cache_.size(0) < T) {
        causal_cache_ = at::full({T, T}, kMasked, at::TensorOptions().dtype(at::kFloat).device(device_)).triu_(1);
    }
    return causal_cache_.narrow(0, 0, T).narrow(1, 0, T);
}

KvCache Gpt::new_cache(int64_t batch, int64_t capacity) const {
    const int64_t H = cfg_.n_head, hd = cfg_.d_model / cfg_.n_head;
    KvCache cache;
    auto opts = at::TensorOptions().dtype(at::kFloat).device(device_);
    for (int i = 0; i < cfg_.n_layer; i++) {
        cache.k.push_back(at::zeros({batch, H, capacity, hd}, opts));
        cache.v.push_back(at::zeros({batch, H, capacity, hd}, opts));
    }
    return cache;
}

// x (B, T, H, hd); cos, sin broadcastable to (B, T, 1, rd).
at::Tensor Gpt::rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const {
    const int64_t rd = cfg_.rotary_dim, hd = x.size(3);
    if (rd == 0) return x;
    auto xr = x.narrow(3, 0, rd);
    auto shape = xr.sizes().vec();
    std::vector<int64_t> pairs{shape[0], shape[1], shape[2], rd / 2, 2};
    auto swapped = xr.reshape(pairs).flip({-1}).reshape(shape);  // (x1, x0) in each pair
    auto rotated = xr * cos + swapped * sin;
    if (rd == hd) return rotated;
    return at::cat({rotated, x.narrow(3, rd, hd - rd)}, 3);
}

at::Tensor Gpt::forward(const at::Tensor& tokens, const at::Tensor& positions, const at::Tensor& bias, KvCache* cache) const {
    const int64_t B = tokens.size(0), T = tokens.size(1);
    const int64_t d = cfg_.d_model, H = cfg_.n_head, hd = d / H, F = cfg_.n_inner, rd = cfg_.rotary_dim;
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));

    at::Tensor cos, sin;
    if (rd > 0) {
        if (positions.defined()) {
            auto flat = positions.reshape({-1});
            cos = rot_cos_.index_select(0, flat).view({B, T, 1, rd});
            sin = rot_sin_.index_select(0, flat).view({B, T, 1, rd});
        } else {
            cos = rot_cos_.narrow(0, 0, T).view({1, T, 1, rd});
            sin = rot_sin_.narrow(0, 0, T).view({1, T, 1, rd});
        }
    }

    // Plain causal attention (no padding, no cache) on the CPU takes the fused kernel in attention.cpp.
    const bool fast_causal = !bias.defined() && cache == nullptr && !positions.defined() && causal_attention_available(wte_);
    const at::Tensor mask = bias.defined() ? bias : causal_bias(T);

    auto x = wte_.index_select(0, tokens.reshape({-1}));  // (B*T, d)
    for (size_t l = 0; l < blocks_.size(); l++) {
        const Block& b = blocks_[l];
        auto h = at::layer_norm(x, {d}, b.ln_w, b.ln_b, cfg_.layer_norm_eps);  // (B*T, d)
        // Separate GEMMs over row slices of the fused weight: slicing the (B*T, 3d+F) product instead would
        // make backward assemble a full-size gradient with cat (measured at a quarter of step time).
        auto q = rotary(at::mm(h, b.w_in.narrow(0, 0, d).t()).view({B, T, H, hd}), cos, sin);  // (B, T, H, hd)
        auto k = rotary(at::mm(h, b.w_in.narrow(0, d, d).t()).view({B, T, H, hd}), cos, sin);
        auto v = at::mm(h, b.w_in.narrow(0, 2 * d, d).t()).view({B, T, H, hd});
        auto ff = gelu_tanh(at::addmm(b.b_fc_in, h, b.w_in.narrow(0, 3 * d, F).t()));  // (B*T, F)
        at::Tensor attn;
        if (fast_causal) {
            attn = causal_attention(q, k, v, scale).view({B * T, d});
        } else {
            q = q.transpose(1, 2), k = k.transpose(1, 2), v = v.transpose(1, 2);  // (B, H, T, hd)
            int64_t Tk = T;
            if (cache != nullptr) {
                const int64_t start = cache->length;
                cache->k[l].narrow(2, start, T).copy_(k);
                cache->v[l].narrow(2, start, T).copy_(v);
                Tk = start + T;
                k = cache->k[l].narrow(2, 0, Tk);
                v = cache->v[l].narrow(2, 0, Tk);
            }
            auto scores = at::baddbmm(mask, q.reshape({B * H, T, hd}), k.reshape({B * H, Tk, hd}).transpose(1, 2), 1.0, scale);  // (B*H, T, Tk)
            auto probs = at::softmax(scores, -1);
            attn = at::bmm(probs, v.reshape({B * H, Tk, hd})).view({B, H, T, hd}).transpose(1, 2).reshape({B * T, d});
        }
        auto y = at::addmm(at::addmm(b.b_fc_out, ff, b.w_fc_out.t()), attn, b.w_o.t());
        x = x + y;
    }
    if (cache != nullptr) cache->length += T;
    return x.view({B, T, d});
}

at::Tensor Gpt::head(const at::Tensor& rows) const {
    auto h = at::layer_norm(rows, {cfg_.d_model}, ln_f_w_, ln_f_b_, cfg_.layer_norm_eps);
    return at::addmm(lm_b_, h, lm_w_.t());  // (M, V)
}

void Gpt::save(const std::string& path, const std::map<std::string, std::string>& extra_metadata) const {
    auto metadata = config_metadata(cfg_);
    for (const auto& [k, v] : extra_metadata) {
        if (metadata.count(k)) throw std::invalid_argument("metadata key '" + k + "' is reserved for the model config");
        metadata[k] = v;
    }
    const int64_t d = cfg_.d_model, F = cfg_.n_inner;
    std::vector<std::pair<std::string, at::Tensor>> named{{"transformer.wte.weight", wte_}};
    for (size_t i = 0; i < blocks_.size(); i++) {
        const Block& b = blocks_[i];
        named.emplace_back(layer_name(i, "ln_1.weight"), b.ln_w);
        named.emplace_back(layer_name(i, "ln_1.bias"), b.ln_b);
        named.emplace_back(layer_name(i, "attn.q_proj.weight"), b.w_in.narrow(0, 0, d));
        named.emplace_back(layer_name(i, "attn.k_proj.weight"), b.w_in.narrow(0, d, d));
        named.emplace_back(layer_name(i, "attn.v_proj.weight"), b.w_in.narrow(0, 2 * d, d));
        named.emplace_back(layer_name(i, "attn.out_proj.weight"), b.w_o);
        named.emplace_back(layer_name(i, "mlp.fc_in.weight"), b.w_in.narrow(0, 3 * d, F));
        named.emplace_back(layer_name(i, "mlp.fc_in.bias"), b.b_fc_in);
        named.emplace_back(layer_name(i, "mlp.fc_out.weight"), b.w_fc_out);
        named.emplace_back(layer_name(i, "mlp.fc_out.bias"), b.b_fc_out);
    }
    named.emplace_back("transformer.ln_f.weight", ln_f_w_);
    named.emplace_back("transformer.ln_f.bias", ln_f_b_);
    named.emplace_back("lm_head.weight", lm_w_);
    named.emplace_back("lm_head.bias", lm_b_);

    std::vector<at::Tensor> keep_alive;
    std::vector<TensorToWrite> out;
    for (auto& [name, t] : named) {
        keep_alive.push_back(t.detach().to(at::kCPU).contiguous());
        out.push_back({name, t.sizes().vec(), keep_alive.back().data_ptr<float>()});
    }
    write_safetensors(path, out, metadata);
}

std::shared_ptr<Gpt> Gpt::load(const std::string& path, const at::Device& device) {
    SafetensorsFile file = read_safetensors(path);
    ait_model_config cfg = config_from_metadata(file.metadata, path);
    try {
        validate_config(cfg);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    auto model = std::make_shared<Gpt>(cfg, device, 0);
    model->metadata_ = file.metadata;
    const int64_t d = cfg.d_model, F = cfg.n_inner;

    std::map<std::string, bool> used;
    auto take = [&](const std::string& name, std::vector<int64_t> shape) {
        auto it = file.tensors.find(name);
        if (it == file.tensors.end()) throw std::runtime_error(path + ": missing tensor '" + name + "'");
        const TensorEntry& e = it->second;
        if (e.shape != shape) {
            std::string want, got;
            for (auto s : shape) want += (want.empty() ? "" : ",") + std::to_string(s);
            for (auto s : e.shape) got += (got.empty() ? "" : ",") + std::to_string(s);
            throw std::runtime_error(path + ": tensor '" + name + "' has shape [" + got + "], expected [" + want + "]");
        }
        at::ScalarType type = e.dtype == "F32" ? at::kFloat : e.dtype == "F16" ? at::kHalf : e.dtype == "BF16" ? at::kBFloat16 : at::kByte;
        if (type == at::kByte) throw std::runtime_error(path + ": tensor '" + name + "' has dtype " + e.dtype + "; expected F32, F16 or BF16");
        used[name] = true;
        return at::from_blob(file.data.data() + e.begin, shape, at::TensorOptions().dtype(type)).to(at::kFloat);
    };
    auto assign = [&](const at::Tensor& param, const at::Tensor& value) {
        at::NoGradGuard no_grad;
        param.copy_(value);
    };
    assign(model->wte_, take("transformer.wte.weight", {cfg.vocab_size, d}));
    for (size_t i = 0; i < model->blocks_.size(); i++) {
        Block& b = model->blocks_[i];
        assign(b.ln_w, take(layer_name(i, "ln_1.weight"), {d}));
        assign(b.ln_b, take(layer_name(i, "ln_1.bias"), {d}));
        assign(b.w_in, at::cat({take(layer_name(i, "attn.q_proj.weight"), {d, d}), take(layer_name(i, "attn.k_proj.weight"), {d, d}),
                                take(layer_name(i, "attn.v_proj.weight"), {d, d}), take(layer_name(i, "mlp.fc_in.weight"), {F, d})}, 0));
        assign(b.w_o, take(layer_name(i, "attn.out_proj.weight"), {d, d}));
        assign(b.b_fc_in, take(layer_name(i, "mlp.fc_in.bias"), {F}));
        assign(b.w_fc_out, take(layer_name(i, "mlp.fc_out.weight"), {d, F}));
        assign(b.b_fc_out, take(layer_name(i, "mlp.fc_out.bias"), {d}));
    }
    assign(model->ln_f_w_, take("transformer.ln_f.weight", {d}));
    assign(model->ln_f_b_, take("transformer.ln_f.bias", {d}));
    assign(model->lm_w_, take("lm_head.weight", {cfg.vocab_size, d}));
    assign(model->lm_b_, take("lm_head.bias", {cfg.vocab_size}));
    for (const auto& [name, entry] : file.tensors) {
        // Hugging Face GPT-J checkpoints carry constant attention-mask buffers; they are not parameters.
        bool buffer = name.size() > 10 && (name.rfind(".attn.bias") == name.size() - 10 || name.find(".attn.masked_bias") != std::string::npos);
        if (!used.count(name) && !buffer) throw std::runtime_error(path + ": unexpected tensor '" + name + "'");
    }
    return model;
}

}  // namespace ait

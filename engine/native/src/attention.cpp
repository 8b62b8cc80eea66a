// attention.cpp - causal attention as one autograd Function: forward keeps the softmax P (B, H, T, T) for backward.
#include "attention.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "blas.h"
#include "fused.h"

namespace ait {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Row-major (rows × cols) matrix with leading dimension ld.
struct Mat {
    float* p;
    int ld;
};

void gemm(bool ta, bool tb, int m, int n, int k, float alpha, Mat a, Mat b, float beta, Mat c) {
    blas().sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a.p, a.ld, b.p, b.ld,
                 beta, c.p, c.ld);
}

// Runs fn(b, h) for every (batch, head) on ATen's threads, with BLAS single-threaded inside.
template <typename F>
void for_each_head(int64_t B, int64_t H, const F& fn) {
    BlasSingleThreaded single;
    at::parallel_for(0, B * H, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; i++) fn(i / H, i % H);
    });
}

class CausalAttention : public torch::autograd::Function<CausalAttention> {
public:
    static at::Tensor forward(AutogradContext* ctx, at::Tensor q, at::Tensor k, at::Tensor v, double scale) {
        q = q.contiguous(), k = k.contiguous(), v = v.contiguous();
        const int64_t B = q.size(0), T = q.size(1), H = q.size(2), hd = q.size(3), ld = H * hd;
        auto out = at::empty_like(q);
        auto probs = at::empty({B, H, T, T}, q.options());
        float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
        float *op = out.data_ptr<float>(), *pp = probs.data_ptr<float>();
        for_each_head(B, H, [&](int64_t b, int64_t h) {
            const int64_t head = b * T * ld + h * hd;
            float* P = pp + (b * H + h) * T * T;
            gemm(false, true, T, T, hd, static_cast<float>(scale), {qp + head, (int)ld}, {kp + head, (int)ld}, 0.f, {P, (int)T});
            for (int64_t i = 0; i < T; i++) {  // softmax over j <= i; the masked upper triangle is exactly 0
                float* row = P + i * T;
                const float mx = *std::max_element(row, row + i + 1);
                float sum = 0.f;
                for (int64_t j = 0; j <= i; j++) sum += row[j] = std::exp(row[j] - mx);
                const float inv = 1.f / sum;
                for (int64_t j = 0; j <= i; j++) row[j] *= inv;
                std::fill(row + i + 1, row + T, 0.f);
            }
            gemm(false, false, T, hd, T, 1.f, {P, (int)T}, {vp + head, (int)ld}, 0.f, {op + head, (int)ld});
        });
        ctx->save_for_backward({q, k, v, probs});
        ctx->saved_data["scale"] = scale;
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        auto saved = ctx->get_saved_variables();
        auto q = saved[0], k = saved[1], v = saved[2], probs = saved[3];
        const float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
        auto dout = grads[0].contiguous();
        const int64_t B = q.size(0), T = q.size(1), H = q.size(2), hd = q.size(3), ld = H * hd;
        auto dq = at::empty_like(q), dk = at::empty_like(k), dv = at::empty_like(v);
        float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>(), *pp = probs.data_ptr<float>();
        float *dop = dout.data_ptr<float>(), *dqp = dq.data_ptr<float>(), *dkp = dk.data_ptr<float>(), *dvp = dv.data_ptr<float>();
        for_each_head(B, H, [&](int64_t b, int64_t h) {
            thread_local std::vector<float> scratch;
            scratch.resize(T * T);
            float* dP = scratch.data();
            const int64_t head = b * T * ld + h * hd;
            float* P = pp + (b * H + h) * T * T;
            gemm(true, false, T, hd, T, 1.f, {P, (int)T}, {dop + head, (int)ld}, 0.f, {dvp + head, (int)ld});  // dV = Pᵀ dO
            gemm(false, true, T, T, hd, 1.f, {dop + head, (int)ld}, {vp + head, (int)ld}, 0.f, {dP, (int)T});   // dP = dO Vᵀ
            for (int64_t i = 0; i < T; i++) {  // dS = P ⊙ (dP − rowsum(P ⊙ dP)); zero above the diagonal
                const float* p = P + i * T;
                float* d = dP + i * T;
                float dot = 0.f;
                for (int64_t j = 0; j <= i; j++) dot += p[j] * d[j];
                for (int64_t j = 0; j <= i; j++) d[j] = p[j] * (d[j] - dot);
                std::fill(d + i + 1, d + T, 0.f);
            }
            gemm(false, false, T, hd, T, scale, {dP, (int)T}, {kp + head, (int)ld}, 0.f, {dqp + head, (int)ld});  // dQ = s·dS K
            gemm(true, false, T, hd, T, scale, {dP, (int)T}, {qp + head, (int)ld}, 0.f, {dkp + head, (int)ld});   // dK = s·dSᵀ Q
        });
        return {dq, dk, dv, at::Tensor()};
    }
};

}  // namespace

bool causal_attention_available(const at::Tensor& q) {
    return fused_kernels_enabled() && q.device().is_cpu() && q.scalar_type() == at::kFloat && blas().sgemm != nullptr;
}

at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
    return CausalAttention::apply(q, k, v, scale);
}

}  // namespace ait

// blas.h - the CBLAS sgemm and OpenBLAS thread controls of the BLAS libtorch already loaded, found at run time.
// Absent (e.g. a libtorch with MKL linked in statically), the engine falls back to ATen ops.
#pragma once

namespace ait {

enum CblasLayout { CblasRowMajor = 101 };
enum CblasTranspose { CblasNoTrans = 111, CblasTrans = 112 };

using SgemmFn = void (*)(int layout, int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                         const float* b, int ldb, float beta, float* c, int ldc);

struct Blas {
    SgemmFn sgemm = nullptr;
    void (*set_threads)(int) = nullptr;
    int (*get_threads)() = nullptr;
};

const Blas& blas();

// While alive, OpenBLAS runs single-threaded, so GEMMs issued from several OpenMP threads at once do not each
// wake OpenBLAS's own pool onto the same cores.
class BlasSingleThreaded {
public:
    BlasSingleThreaded();
    ~BlasSingleThreaded();
    BlasSingleThreaded(const BlasSingleThreaded&) = delete;
    BlasSingleThreaded& operator=(const BlasSingleThreaded&) = delete;

private:
    int previous_ = 0;
};

}  // namespace ait

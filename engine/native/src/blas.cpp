// blas.cpp - resolves BLAS symbols from libraries already in the process (the engine is loaded RTLD_LOCAL by .NET,
// so RTLD_DEFAULT would not see libtorch's dependencies).
#include "blas.h"

#include <atomic>

#include <dlfcn.h>

#include <initializer_list>

#include "fused.h"

namespace ait {
namespace {

void* find_symbol(const char* name) {
    if (void* s = dlsym(RTLD_DEFAULT, name)) return s;
    for (const char* lib : {"libopenblas.so.0", "libblas.so.3", "libcblas.so.3", "libopenblasp.so.0"}) {
        if (void* handle = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD)) {
            void* s = dlsym(handle, name);
            dlclose(handle);  // RTLD_NOLOAD took a reference; the library stays loaded by libtorch
            if (s) return s;
        }
    }
    return nullptr;
}

std::atomic<bool> fused{true};

}  // namespace

bool fused_kernels_enabled() { return fused.load(std::memory_order_relaxed); }
void set_fused_kernels(bool enabled) { fused.store(enabled, std::memory_order_relaxed); }

const Blas& blas() {
    static const Blas resolved = [] {
        Blas b;
        b.sgemm = reinterpret_cast<SgemmFn>(find_symbol("cblas_sgemm"));
        b.set_threads = reinterpret_cast<void (*)(int)>(find_symbol("openblas_set_num_threads"));
        b.get_threads = reinterpret_cast<int (*)()>(find_symbol("openblas_get_num_threads"));
        return b;
    }();
    return resolved;
}

BlasSingleThreaded::BlasSingleThreaded() {
    const Blas& b = blas();
    if (b.set_threads && b.get_threads) {
        previous_ = b.get_threads();
        b.set_threads(1);
    }
}

BlasSingleThreaded::~BlasSingleThreaded() {
    if (previous_ > 0) blas().set_threads(previous_);
}

}  // namespace ait

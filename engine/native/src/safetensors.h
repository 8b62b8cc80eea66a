// safetensors.h - reads and writes the safetensors format (8-byte header length, JSON header, raw data).
// Torch-free on purpose: it deals in names, shapes and bytes; model.cpp maps them onto tensors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ait {

struct TensorEntry {
    std::string dtype;
    std::vector<int64_t> shape;
    size_t begin = 0;  // byte offsets into SafetensorsFile::data
    size_t end = 0;
};

struct SafetensorsFile {
    std::map<std::string, std::string> metadata;
    std::map<std::string, TensorEntry> tensors;
    std::vector<char> data;
};

struct TensorToWrite {
    std::string name;
    std::vector<int64_t> shape;
    const float* values;  // contiguous float32, product(shape) elements
};

// Throws std::runtime_error naming the file and what is wrong (truncation, bad JSON, bad offsets).
SafetensorsFile read_safetensors(const std::string& path);
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata);

}  // namespace ait

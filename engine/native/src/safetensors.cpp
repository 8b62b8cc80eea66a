// safetensors.cpp - a strict reader (every offset and shape checked) and a writer for float32 tensors.
#include "safetensors.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ait {
namespace {

// Minimal JSON value: enough for a safetensors header (objects, arrays, strings, integers).
struct Json {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    double number = 0;
    std::string text;
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> fields;
};

class JsonParser {
public:
    JsonParser(const std::string& s, const std::string& where) : s_(s), where_(where) {}

    Json parse_document() {
        Json v = value(0);
        skip_ws();
        if (pos_ != s_.size()) fail("trailing characters after the header object");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error(where_ + ": invalid JSON header at byte " + std::to_string(pos_) + ": " + what);
    }
    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) pos_++;
    }
    char peek() {
        skip_ws();
        if (pos_ >= s_.size()) fail("unexpected end");
        return s_[pos_];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        pos_++;
    }
    Json value(int depth) {
        if (depth > 16) fail("nesting too deep");
        char c = peek();
        Json v;
        if (c == '{') {
            v.kind = Json::Object;
            pos_++;
            if (peek() == '}') { pos_++; return v; }
            for (;;) {
                std::string key = string_literal();
                expect(':');
                v.fields.emplace_back(std::move(key), value(depth + 1));
                if (peek() == ',') { pos_++; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = Json::Array;
            pos_++;
            if (peek() == ']') { pos_++; return v; }
            for (;;) {
                v.items.push_back(value(depth + 1));
                if (peek() == ',') { pos_++; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = Json::String;
            v.text = string_literal();
            return v;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = pos_;
            while (pos_ < s_.size() && std::strchr("+-0123456789.eE", s_[pos_]) != nullptr) pos_++;
            v.kind = Json::Number;
            try {
                v.number = std::stod(s_.substr(start, pos_ - start));
            } catch (const std::exception&) {
                fail("bad number");
            }
            return v;
        }
        for (const char* word : {"true", "false", "null"}) {
            size_t n = std::strlen(word);
            if (s_.compare(pos_, n, word) == 0) {
                pos_ += n;
                v.kind = word[0] == 'n' ? Json::Null : Json::Bool;
                v.number = word[0] == 't';
                return v;
            }
        }
        fail("unexpected character");
    }
    std::string string_literal() {
        expect('"');
        std::string out;
        while (pos_ < s_.size()) {
            char c = s_[pos_++];
            if (c == '"') return out;
            if (c != '\\') { out += c; continue; }
            if (pos_ >= s_.size()) break;
            char e = s_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    if (pos_ + 4 > s_.size()) fail("short \\u escape");
                    unsigned cp = std::stoul(s_.substr(pos_, 4), nullptr, 16);
                    pos_ += 4;
                    // Basic-plane code points only: header keys here are ASCII; surrogates are kept as-is.
                    if (cp < 0x80) {
                        out += static_cast<char>(cp);
                    } else if (cp < 0x800) {
                        out += static_cast<char>(0xC0 | (cp >> 6));
                        out += static_cast<char>(0x80 | (cp & 0x3F));
                    } else {
                        out += static_cast<char>(0xE0 | (cp >> 12));
                        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                        out += static_cast<char>(0x80 | (cp & 0x3F));
                    }
                    break;
                }
                default: fail("bad escape");
            }
        }
        fail("unterminated string");
    }

    const std::string& s_;
    std::string where_;
    size_t pos_ = 0;
};

std::string json_escape(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

size_t dtype_size(const std::string& dtype) {
    if (dtype == "F32" || dtype == "I32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
    if (dtype == "F64" || dtype == "I64") return 8;
    if (dtype == "U8" || dtype == "I8" || dtype == "BOOL") return 1;
    return 0;
}

}  // namespace

SafetensorsFile read_safetensors(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open checkpoint file");
    in.seekg(0, std::ios::end);
    const auto file_size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    if (file_size < 8) throw std::runtime_error(path + ": truncated checkpoint (" + std::to_string(file_size) + " bytes, no header length)");
    unsigned char len_bytes[8];
    in.read(reinterpret_cast<char*>(len_bytes), 8);
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; i--) header_len = (header_len << 8) | len_bytes[i];
    if (header_len > file_size - 8) {
        throw std::runtime_error(path + ": header length " + std::to_string(header_len) + " exceeds the file size " +
                                 std::to_string(file_size) + " (truncated or not a safetensors file)");
    }
    std::string header(header_len, '\0');
    in.read(header.data(), static_cast<std::streamsize>(header_len));
    const std::string where = path;
    Json root = JsonParser(header, where).parse_document();
    if (root.kind != Json::Object) throw std::runtime_error(path + ": header is not a JSON object");

    SafetensorsFile file;
    const uint64_t data_size = file_size - 8 - header_len;
    for (auto& [name, value] : root.fields) {
        if (name == "__metadata__") {
            if (value.kind != Json::Object) throw std::runtime_error(path + ": __metadata__ is not an object");
            for (auto& [k, v] : value.fields) {
                if (v.kind != Json::String) throw std::runtime_error(path + ": __metadata__." + k + " is not a string");
                file.metadata[k] = v.text;
            }
            continue;
        }
        const std::string at = path + ": tensor '" + name + "'";
        if (value.kind != Json::Object) throw std::runtime_error(at + " is not an object");
        TensorEntry entry;
        bool has_dtype = false, has_shape = false, has_offsets = false;
        for (auto& [k, v] : value.fields) {
            if (k == "dtype" && v.kind == Json::String) {
                entry.dtype = v.text;
                has_dtype = true;
            } else if (k == "shape" && v.kind == Json::Array) {
                for (auto& d : v.items) {
                    if (d.kind != Json::Number || d.number < 0) throw std::runtime_error(at + ": shape has a non-integer dimension");
                    entry.shape.push_back(static_cast<int64_t>(d.number));
                }
                has_shape = true;
            } else if (k == "data_offsets" && v.kind == Json::Array && v.items.size() == 2) {
                if (v.items[0].kind != Json::Number || v.items[1].kind != Json::Number || v.items[0].number < 0)
                    throw std::runtime_error(at + ": data_offsets are not integers");
                entry.begin = static_cast<size_t>(v.items[0].number);
                entry.end = static_cast<size_t>(v.items[1].number);
                has_offsets = true;
            }
        }
        if (!has_dtype || !has_shape || !has_offsets) throw std::runtime_error(at + ": needs dtype, shape and data_offsets");
        size_t elem = dtype_size(entry.dtype);
        if (elem == 0) throw std::runtime_error(at + ": unknown dtype " + entry.dtype);
        uint64_t count = 1;
        for (auto d : entry.shape) count *= static_cast<uint64_t>(d);
        if (entry.end < entry.begin || entry.end - entry.begin != count * elem)
            throw std::runtime_error(at + ": data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                                     ") do not match its shape and dtype");
        if (entry.end > data_size)
            throw std::runtime_error(at + ": data ends at byte " + std::to_string(entry.end) + " but the file holds only " +
                                     std::to_string(data_size) + " data bytes (truncated)");
        file.tensors[name] = entry;
    }
    file.data.resize(data_size);
    in.read(file.data.data(), static_cast<std::streamsize>(data_size));
    if (static_cast<uint64_t>(in.gcount()) != data_size) throw std::runtime_error(path + ": read failed (truncated)");
    return file;
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
    std::ostringstream header;
    header << "{";
    if (!metadata.empty()) {
        header << "\"__metadata__\":{";
        bool first = true;
        for (auto& [k, v] : metadata) {
            header << (first ? "" : ",") << json_escape(k) << ":" << json_escape(v);
            first = false;
        }
        header << "}";
    }
    size_t offset = 0;
    for (size_t i = 0; i < tensors.size(); i++) {
        const auto& t = tensors[i];
        size_t count = 1;
        for (auto d : t.shape) count *= static_cast<size_t>(d);
        if (i > 0 || !metadata.empty()) header << ",";
        header << json_escape(t.name) << ":{\"dtype\":\"F32\",\"shape\":[";
        for (size_t d = 0; d < t.shape.size(); d++) header << (d ? "," : "") << t.shape[d];
        header << "],\"data_offsets\":[" << offset << "," << offset + count * 4 << "]}";
        offset += count * 4;
    }
    header << "}";
    std::string h = header.str();
    while (h.size() % 8 != 0) h += ' ';  // the format aligns the data section to 8 bytes

    // Write to a temporary file and rename, so a crash never leaves a half-written checkpoint under `path`.
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(path + ": cannot create checkpoint file");
        uint64_t len = h.size();
        unsigned char len_bytes[8];
        for (int i = 0; i < 8; i++) len_bytes[i] = static_cast<unsigned char>((len >> (8 * i)) & 0xFF);
        out.write(reinterpret_cast<const char*>(len_bytes), 8);
        out.write(h.data(), static_cast<std::streamsize>(h.size()));
        for (const auto& t : tensors) {
            size_t count = 1;
            for (auto d : t.shape) count *= static_cast<size_t>(d);
            out.write(reinterpret_cast<const char*>(t.values), static_cast<std::streamsize>(count * 4));
        }
        out.flush();
        if (!out) throw std::runtime_error(path + ": write failed");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": cannot rename temporary checkpoint");
}

}  // namespace ait

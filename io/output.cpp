#include "io/output.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>
#include <unistd.h>

#include "common/error.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_)) throw OutputError("cannot create output folder " + dir_ + ": " + ec.message());
}

OutputDir::~OutputDir() {
    if (committed_) return;
    std::error_code ec;
    for (const auto& [tmp, fin] : staged_) fs::remove(tmp, ec);
}

void OutputDir::stage(const std::string& name, const std::string& content, bool bom) {
    const std::string fin = (fs::path(dir_) / name).string();
    const std::string tmp = (fs::path(dir_) / ("." + name + ".tmp-" + std::to_string(::getpid()))).string();
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw OutputError("cannot write " + tmp);
        staged_.emplace_back(tmp, fin);
        if (bom) f << "\xEF\xBB\xBF";
        f << content;
        f.flush();
        if (!f) throw OutputError("cannot write " + tmp + " (disk full?)");
    }
}

std::vector<std::string> OutputDir::commit() {
    std::vector<std::string> done;
    for (const auto& [tmp, fin] : staged_) {
        std::error_code ec;
        fs::rename(tmp, fin, ec);
        if (ec) throw OutputError("cannot move " + tmp + " to " + fin + ": " + ec.message());
        done.push_back(fin);
    }
    committed_ = true;
    return done;
}

std::string sha256_hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) { s += hex[md[i] >> 4]; s += hex[md[i] & 15]; }
    return s;
}

std::string sha256_file(const std::string& path, std::string* bytes) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw OutputError("cannot read " + path + " to record its digest");
    std::ostringstream ss;
    ss << f.rdbuf();
    std::string data = ss.str();
    std::string h = sha256_hex(data);
    if (bytes) *bytes = std::move(data);
    return h;
}

}  // namespace qingliu::io

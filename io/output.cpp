#include "io/output.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <openssl/evp.h>
#include <cerrno>
#include <csignal>
#include <unistd.h>

#include "common/error.hpp"

namespace qingliu::io {
namespace fs = std::filesystem;

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_)) throw OutputError("cannot create output folder " + dir_ + ": " + ec.message());
    remove_stale_temporaries(dir_);
}

namespace {
/// The process id in a staged file's name ".NAME.tmp-PID", or 0 when the name is not of that form.
long staged_pid(const std::string& name) {
    const auto at = name.rfind(".tmp-");
    if (name.empty() || name[0] != '.' || at == std::string::npos) return 0;
    const std::string digits = name.substr(at + 5);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return 0;
    return std::stol(digits);
}
}  // namespace

std::size_t remove_stale_temporaries(const std::string& dir) {
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const long pid = staged_pid(it->path().filename().string());
        // a process that no longer exists cannot commit its staged file: it was killed mid-write
        if (pid <= 0 || pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        std::error_code rm;
        if (fs::remove(it->path(), rm)) ++removed;
    }
    return removed;
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

std::string OutputDir::stage_path(const std::string& name) {
    const std::string fin = (fs::path(dir_) / name).string();
    const std::string tmp = (fs::path(dir_) / ("." + name + ".tmp-" + std::to_string(::getpid()))).string();
    staged_.emplace_back(tmp, fin);
    return tmp;
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

std::string sha256_file_blocks(const std::string& path, std::uint64_t* bytes) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw OutputError("cannot read " + path + " to record its digest");
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        throw OutputError("cannot compute the digest of " + path);
    }
    std::vector<char> buf(1 << 20);
    std::uint64_t total = 0;
    while (f) {
        f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = f.gcount();
        if (got > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(got));
        total += static_cast<std::uint64_t>(got);
    }
    const bool read_error = f.bad();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    if (read_error) throw OutputError("cannot read " + path + " to record its digest");
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) {
        s += hex[md[i] >> 4];
        s += hex[md[i] & 15];
    }
    if (bytes) *bytes = total;
    return s;
}

}  // namespace qingliu::io

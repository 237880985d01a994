// Test helpers: temporary folders, small files, running the command line.
#pragma once
#include <filesystem>
#include <fstream>
#include <atomic>
#include <cstdlib>
#include <system_error>

#include <unistd.h>
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/csv_text.hpp"
#include "common/error.hpp"

namespace qingliu::test {

namespace fs = std::filesystem;

/// The folder that holds every scratch folder of this test process; it is removed, with all it holds, when the
/// process ends (QINGLIU_KEEP_SCRATCH=1 keeps it for a look).
class ScratchRoot {
public:
    ScratchRoot() : path_(fs::temp_directory_path() / ("qingliu-tests-" + std::to_string(::getpid()))) {}
    explicit ScratchRoot(fs::path path) : path_(std::move(path)) {}
    ScratchRoot(const ScratchRoot&) = delete;
    ScratchRoot& operator=(const ScratchRoot&) = delete;
    ~ScratchRoot() {
        std::error_code ec;
        if (!std::getenv("QINGLIU_KEEP_SCRATCH")) fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

inline const fs::path& scratch_root() {
    static const ScratchRoot root;
    return root.path();
}

/// A fresh, empty scratch folder under scratch_root(); `tag` names it for a reader of a kept folder.
inline fs::path temp_dir(const std::string& tag) {
    static std::atomic<unsigned> counter{0};
    fs::path p = scratch_root() / (tag + "-" + std::to_string(counter++));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

inline void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary);
    f << text;
}

inline std::string read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

inline fs::path source_dir() { return fs::path(QINGLIU_SOURCE_DIR); }

/// Copies a case folder to a fresh temporary folder.
inline fs::path copy_case(const fs::path& from, const std::string& tag) {
    fs::path to = temp_dir(tag);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return to;
}

/// Runs the qingliu binary; returns its exit code, with stdout+stderr in `output`.
inline int run_cli(const std::string& args, std::string* output = nullptr) {
    const fs::path log = temp_dir("cli") / "out.txt";
    const std::string cmd = std::string(QINGLIU_BINARY) + " " + args + " > " + log.string() + " 2>&1";
    const int rc = std::system(cmd.c_str());
    if (output) *output = read_file(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/// Every problem of an input error, one formatted line each (file, record, field, message).
inline std::string problems_text(const InputError& e) {
    std::string s;
    for (const auto& p : e.problems()) s += format_problem(p) + "\n";
    return s;
}

/// Text without a leading UTF-8 byte-order mark (the commands write one for Excel).
inline std::string strip_bom(std::string s) {
    if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
    return s;
}

/// A CSV file written by a command as rows of fields, the header first (parse_csv_text drops the byte-order mark).
inline std::vector<std::vector<std::string>> read_csv_rows(const fs::path& p) { return parse_csv_text(read_file(p)); }

/// Index of the column `name` in a header row; throws naming the column when the header has none.
inline std::size_t column(const std::vector<std::string>& head, const std::string& name) {
    const auto it = std::find(head.begin(), head.end(), name);
    if (it == head.end()) throw std::out_of_range("no column " + name);
    return static_cast<std::size_t>(it - head.begin());
}

/// A CSV file written by a command as rows of named fields. Only the first table: reading stops at a row of another
/// width (calibration.csv holds a second table after a blank line).
inline std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p) {
    const auto rows = read_csv_rows(p);
    std::vector<std::map<std::string, std::string>> out;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i].size() != rows[0].size()) break;
        std::map<std::string, std::string> r;
        for (std::size_t j = 0; j < rows[0].size(); ++j) r[rows[0][j]] = rows[i][j];
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace qingliu::test

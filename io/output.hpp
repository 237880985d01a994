// Output files that appear whole or not at all: each is written to a hidden temporary beside its final name and
// renamed into place by commit(); without commit() (an error, an exception) the temporaries are removed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qingliu::io {

class OutputDir {
public:
    explicit OutputDir(std::string dir);  ///< creates the folder if needed; throws OutputError
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;
    /// Stages `content` for `name` (a file name inside the folder). UTF-8 CSV gets a byte-order mark for Excel.
    void stage(const std::string& name, const std::string& content, bool excel_bom = false);
    /// Renames every staged file into place.
    /// Stages a file that the caller writes itself (e.g. through a library): returns the temporary path to write,
    /// renamed to `name` by commit() like the others.
    std::string stage_path(const std::string& name);
    std::vector<std::string> commit();
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    std::vector<std::pair<std::string, std::string>> staged_;  // (temporary, final)
    bool committed_ = false;
};

/// Removes staged files (".NAME.tmp-PID") that a process killed mid-run left in `dir`: those whose process no longer
/// exists. Returns how many were removed. Every OutputDir does this when it opens its folder.
std::size_t remove_stale_temporaries(const std::string& dir);

/// SHA-256 of a file's bytes as lowercase hex; also returns the bytes. Throws OutputError if unreadable.
std::string sha256_file(const std::string& path, std::string* bytes = nullptr);
std::string sha256_hex(const std::string& data);
/// SHA-256 of a file read in blocks of 1 MiB (never held whole in memory), lowercase hex; `bytes` gets its size.
/// Throws OutputError if unreadable.
std::string sha256_file_blocks(const std::string& path, std::uint64_t* bytes = nullptr);

}  // namespace qingliu::io

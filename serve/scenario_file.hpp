// Writing a selection into the case's scenarios file: the new [[measure]] and [[scenario]] records are appended as
// TOML text after the file's existing content, which is kept byte for byte. The file is replaced atomically (the new
// content is written to a temporary file in the same folder, flushed to disk, then renamed over the old one), so a
// reader sees the old file or the new one, never a part.
#pragma once
#include <string>

#include "analyses/whatif.hpp"

namespace qingliu::serve {

/// TOML text of the records the selection added and of its scenario (the records it reuses are not repeated).
std::string scenario_toml(const scenarios::SelectionRecords& r);

/// Appends `text` to the file atomically (a line break first if the file does not end with one); returns the
/// file's content before. Throws OutputError naming the file.
std::string append_atomically(const std::string& path, const std::string& text);
/// Replaces the file's content atomically. Throws OutputError naming the file.
void replace_atomically(const std::string& path, const std::string& content);

}  // namespace qingliu::serve

// Text as bureaus' files hold it: UTF-8 or GB18030 (a superset of GBK and GB2312, what Excel's plain "CSV" and many
// Shapefiles write on Chinese Windows), and ASCII case folding for matching names, extensions and keywords.
#pragma once
#include <optional>
#include <string>

namespace qingliu::io {

/// Whether `s` is well-formed UTF-8 (1 to 4 byte sequences; continuation bytes checked).
bool valid_utf8(const std::string& s);

/// GB18030 → UTF-8 (iconv). Strict: nullopt when the bytes are not valid GB18030. With `skip_invalid`, a byte that
/// starts no valid sequence is dropped and decoding goes on (nullopt only when no converter is available).
std::optional<std::string> gb18030_to_utf8(const std::string& in, bool skip_invalid = false);

/// ASCII letters in lower case; other bytes (UTF-8 text) unchanged.
std::string ascii_lower(std::string s);

}  // namespace qingliu::io

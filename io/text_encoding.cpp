#include "io/text_encoding.hpp"

#include <cctype>
#include <cerrno>
#include <iconv.h>

namespace qingliu::io {

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int n;
        if (c < 0x80) n = 0;
        else if ((c >> 5) == 0x6) n = 1;
        else if ((c >> 4) == 0xE) n = 2;
        else if ((c >> 3) == 0x1E) n = 3;
        else return false;
        if (i + n >= s.size() && n > 0) return false;
        for (int k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += static_cast<std::size_t>(n) + 1;
    }
    return true;
}

std::optional<std::string> gb18030_to_utf8(const std::string& in, bool skip_invalid) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    // every GB18030 sequence of n bytes (1, 2 or 4) becomes at most 2n bytes of UTF-8 (4 bytes for 4)
    std::string out(in.size() * 2 + 16, '\0');
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    bool ok = true;
    while (src_left > 0) {
        if (iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<std::size_t>(-1)) break;
        if (errno == EILSEQ && skip_invalid) {  // drop the byte that starts no valid sequence
            ++src;
            --src_left;
            continue;
        }
        if (!skip_invalid) ok = false;
        break;  // an incomplete sequence at the end (EINVAL) is dropped when skipping
    }
    iconv_close(cd);
    if (!ok) return std::nullopt;
    out.resize(out.size() - dst_left);
    return out;
}

std::string ascii_lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace qingliu::io

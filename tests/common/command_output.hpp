// Helpers of tests that read what other programs print (unzip, pdfinfo, pdftotext, a headless browser).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

namespace qingliu::test {

/// What a shell command writes on stdout ("" when it cannot be started).
inline std::string command_output(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[65536];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

/// true when the program `tool` is on PATH.
inline bool on_path(const std::string& tool) { return std::system(("command -v " + tool + " > /dev/null 2>&1").c_str()) == 0; }

/// How many times `what` stands in `text`, not overlapping.
inline int occurrences(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
    return n;
}

/// One member of a zip file (an .xlsx part) as text, by `unzip -p`.
inline std::string unzip_member(const std::string& zip, const std::string& member) {
    return command_output("unzip -p '" + zip + "' '" + member + "' 2> /dev/null");
}

}  // namespace qingliu::test

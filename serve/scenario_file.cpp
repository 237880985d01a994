#include "serve/scenario_file.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"

namespace qingliu::serve {

namespace fs = std::filesystem;

namespace {

/// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        if (c == '"') o += "\\\"";
        else if (c == '\\') o += "\\\\";
        else if (c == '\n') o += "\\n";
        else if (c == '\t') o += "\\t";
        else if (c == '\r') o += "\\r";
        else if (c < 0x20 || c == 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            o += b;
        } else o += static_cast<char>(c);
    }
    return o + "\"";
}

/// Shortest text that reads back as the same double (so the saved scenario evaluates to identical numbers).
std::string number(double v) {
    char b[64];
    auto r = std::to_chars(b, b + sizeof b, v);
    std::string s(b, r.ptr);
    // TOML needs a digit after the point and takes "1e-05" as a float; plain integers read back as the same double
    return s;
}

std::string value_toml(const scenarios::ParamValue& v) {
    if (const double* d = std::get_if<double>(&v.value)) return number(*d);
    if (const std::string* s = std::get_if<std::string>(&v.value)) return quoted(*s);
    const auto& l = std::get<std::vector<std::string>>(v.value);
    std::string o = "[";
    for (std::size_t i = 0; i < l.size(); ++i) o += (i ? ", " : "") + quoted(l[i]);
    return o + "]";
}

void write_all(const std::string& path, const std::string& content) {
    const fs::path target(path);
    std::random_device rd;
    const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(rd()));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) throw OutputError("cannot write " + tmp.string());
    std::size_t done = 0;
    bool ok = true;
    while (ok && done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) ok = false;
        else done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    std::error_code ec;
    if (ok) fs::rename(tmp, target, ec);
    if (!ok || ec) {
        fs::remove(tmp, ec);
        throw OutputError("cannot replace " + path + " (nothing changed)");
    }
}

}  // namespace

std::string scenario_toml(const scenarios::SelectionRecords& r) {
    std::string o;
    for (const auto& m : r.measures) {
        if (std::find(r.added.begin(), r.added.end(), m.id) == r.added.end()) continue;
        o += "\n[[measure]]\nid = " + quoted(m.id) + "\nkind = " + quoted(m.kind) + "\n";
        if (!m.name.empty()) o += "name = " + quoted(m.name) + "\n";
        if (!m.name_en.empty()) o += "name_en = " + quoted(m.name_en) + "\n";
        for (const auto& [k, v] : m.params) o += k + " = " + value_toml(v) + "\n";
        if (m.invest_wan != 0.0) o += "invest_wan = " + number(m.invest_wan) + "\n";
        if (m.annual_wan != 0.0) o += "annual_wan = " + number(m.annual_wan) + "\n";
        if (!m.deadline.empty()) o += "deadline = " + quoted(m.deadline) + "\n";
    }
    const auto& s = r.scenario;
    o += "\n[[scenario]]\nid = " + quoted(s.id) + "\n";
    if (!s.name.empty()) o += "name = " + quoted(s.name) + "\n";
    if (!s.name_en.empty()) o += "name_en = " + quoted(s.name_en) + "\n";
    if (!s.description.empty()) o += "description = " + quoted(s.description) + "\n";
    o += "measures = [";
    for (std::size_t i = 0; i < s.measures.size(); ++i) o += (i ? ", " : "") + quoted(s.measures[i]);
    o += "]\n";
    return o;
}

std::string append_atomically(const std::string& path, const std::string& text) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw OutputError("cannot read " + path);
    std::string before((std::istreambuf_iterator<char>(f)), {});
    std::string after = before;
    if (!after.empty() && after.back() != '\n') after += '\n';
    after += text;
    write_all(path, after);
    return before;
}

void replace_atomically(const std::string& path, const std::string& content) { write_all(path, content); }

}  // namespace qingliu::serve

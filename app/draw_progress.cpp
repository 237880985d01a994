#include "app/draw_progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace qingliu::app {

namespace {

std::string clock_text(double s) {
    const long t = std::lround(std::max(0.0, s));
    char b[32];
    if (t >= 3600) std::snprintf(b, sizeof b, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else std::snprintf(b, sizeof b, "%ld:%02ld", t / 60, t % 60);
    return b;
}

}  // namespace

std::string draw_progress_text(const std::string& label, std::size_t done, std::size_t total, double elapsed_s) {
    char b[64];
    std::snprintf(b, sizeof b, " (%.1f %%)", total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0);
    std::string s = "[" + label + "] " + std::to_string(done) + "/" + std::to_string(total) + " draws" + b + ", " +
                    clock_text(elapsed_s) + " elapsed";
    if (done > 0 && done < total)
        s += ", ETA " + clock_text(elapsed_s * static_cast<double>(total - done) / static_cast<double>(done));
    return s;
}

DrawProgress::DrawProgress(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled), tty_(isatty(2) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void DrawProgress::operator()(double fraction) {
    if (!enabled_ || complete_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = fraction >= 1.0;
    if (last) complete_ = true;
    if (last ? !shown_ : std::chrono::duration<double>(now - last_).count() < (tty_ ? 0.2 : 10.0)) return;
    last_ = now;
    const auto done = static_cast<std::size_t>(std::llround(std::min(fraction, 1.0) * static_cast<double>(total_)));
    const std::string s = draw_progress_text(label_, done, total_, std::chrono::duration<double>(now - start_).count());
    std::fprintf(stderr, tty_ ? (last ? "\r%s\033[K\n" : "\r%s\033[K") : "%s\n", s.c_str());
    std::fflush(stderr);
    shown_ = true;
}

DrawProgress::~DrawProgress() {
    if (enabled_ && shown_ && tty_ && !complete_) std::fprintf(stderr, "\n");  // stopped part way: end the line
}

}  // namespace qingliu::app

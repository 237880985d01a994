// Progress of a long ensemble on stderr: items done of the total, elapsed time and the time left at the rate so far.
// On a terminal one line is rewritten in place (at most five times a second); otherwise (a log file, mpirun's
// forwarded stderr) a whole line is written every 10 s, so long batch runs show where they are.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace qingliu::app {

/// "[monte carlo] 1200/6000 draws (20.0 %), 0:12 elapsed, ETA 0:48": ETA = elapsed x (total - done) / done (nothing
/// while done is 0); times as m:ss, or h:mm:ss from an hour.
std::string draw_progress_text(const std::string& label, std::size_t done, std::size_t total, double elapsed_s);

class DrawProgress {
public:
    DrawProgress(std::string label, std::size_t total, bool enabled);
    /// Share of the total done (0..1), as the library reports it; at 1 the final line (when anything was shown).
    void operator()(double fraction);
    ~DrawProgress();

private:
    std::string label_;
    std::size_t total_;
    bool enabled_, tty_, shown_ = false, complete_ = false;
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace qingliu::app

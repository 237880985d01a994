// Typed errors with context. Library code throws these; app/ turns them into messages and exit codes.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace qingliu {

/// One problem found in the input: where it is (file, record, field), the offending value and what was expected.
struct Problem {
    std::string file;     ///< path of the table or case file ("" when not file-bound)
    std::string record;   ///< record label, e.g. "row 7" or "reach MX03"
    std::string field;    ///< column or key name
    std::string value;    ///< the offending value as read ("" when absent)
    std::string message;  ///< what is wrong / what was expected
};

/// "file: row 7: field 'flow_m3s' = '-3': must be >= 0"
std::string format_problem(const Problem& p);

/// Collects every problem before failing, so users see all of them at once.
class Problems {
public:
    void add(Problem p) { items_.push_back(std::move(p)); }
    void add(std::string file, std::string record, std::string field, std::string value, std::string message) {
        items_.push_back({std::move(file), std::move(record), std::move(field), std::move(value), std::move(message)});
    }
    void append(const Problems& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }
    bool empty() const { return items_.empty(); }
    std::size_t size() const { return items_.size(); }
    const std::vector<Problem>& items() const { return items_; }
    /// Throws InputError carrying every problem if there is at least one.
    void throw_if_any(const std::string& what) const;

private:
    std::vector<Problem> items_;
};

/// Bad input: carries every problem found.
class InputError : public std::runtime_error {
public:
    InputError(const std::string& what, std::vector<Problem> problems);
    const std::vector<Problem>& problems() const { return problems_; }

private:
    std::vector<Problem> problems_;
};

/// A model that cannot be evaluated (cycle, dry reach receiving load, solver failure), with the objects named.
class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Failure of an output or store operation (disk, database).
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace qingliu

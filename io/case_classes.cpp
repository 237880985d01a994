// The class table a case names under [tables] classes.
#include <string>

#include "io/case_parts.hpp"

namespace qingliu::io {

void read_class_table(const TableRef& ref, Problems& probs, reaches::ClassTable& classes) {
    Problems cp;
    Table ct = read_table(ref, cp);
    probs.append(cp);
    if (!cp.empty()) return;
    // re-serialise and parse with the core parser so file tables and the compiled-in one share one reader
    std::string text;
    for (std::size_t i = 0; i < ct.columns.size(); ++i) text += (i ? "," : "") + ct.columns[i];
    text += "\n";
    for (const auto& r : ct.records) {
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            std::string v = r.values[i].value_or("");
            std::string q;
            for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            text += (i ? ",\"" : "\"") + q + "\"";
        }
        text += "\n";
    }
    try {
        classes = reaches::ClassTable::parse(text, ct.file);
    } catch (const InputError& e) {
        for (const auto& pr : e.problems()) probs.add(pr);
    }
}

}  // namespace qingliu::io

// Topology::derived: data derived from a topology's links is made once, shared by its copies, and not by a topology
// built anew.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "common/topology.hpp"

using namespace qingliu;

namespace {

// a -> c <- b, c -> d
Topology junction() {
    return Topology({"a", "b", "c", "d"}, {2, 2, 3, kNone}, {kNone, kNone, kNone, kNone}, {0.0, 0.0, 0.0, 0.0});
}

struct Headwaters {
    std::vector<std::int32_t> ids;
};

Headwaters headwaters(const Topology& t) {
    Headwaters h;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t.is_headwater(i)) h.ids.push_back(static_cast<std::int32_t>(i));
    return h;
}

}  // namespace

TEST_CASE("data derived from a topology is made once and shared by its copies", "[topology]") {
    const Topology t = junction();
    int made = 0;
    auto make = [&] {
        ++made;
        return headwaters(t);
    };
    const auto first = t.derived<Headwaters>(0, make);
    REQUIRE(first->ids == std::vector<std::int32_t>{0, 1});
    const auto again = t.derived<Headwaters>(0, make);
    CHECK(made == 1);
    CHECK(again.get() == first.get());

    // a copy has the same links: it shares what was made
    const Topology copy = t;
    CHECK(copy.derived<Headwaters>(0, make).get() == first.get());
    CHECK(made == 1);

    // another parameter is another item
    const auto other = t.derived<Headwaters>(1, make);
    CHECK(made == 2);
    CHECK(other.get() != first.get());

    // a topology built anew (as a scenario that changes links builds one) starts without
    Topology rebuilt = junction();
    CHECK(rebuilt.derived<Headwaters>(0, make).get() != first.get());
    CHECK(made == 3);

    // assigning a new topology drops what the old one kept; a moved-from one makes afresh every time
    Topology moved = std::move(rebuilt);
    CHECK(moved.derived<Headwaters>(0, make)->ids == std::vector<std::int32_t>{0, 1});
    CHECK(made == 3);
    CHECK(rebuilt.derived<Headwaters>(0, [] { return Headwaters{}; })->ids.empty());  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("data derived from a topology is made once when many threads ask at once", "[topology]") {
    const Topology t = junction();
    std::atomic<int> made{0};
    std::vector<const Headwaters*> got(8, nullptr);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i)
        threads.emplace_back([&, i] {
            got[i] = t.derived<Headwaters>(0, [&] {
                         ++made;
                         return headwaters(t);
                     }).get();
        });
    for (auto& th : threads) th.join();
    CHECK(made.load() == 1);
    for (const Headwaters* g : got) CHECK(g == got[0]);
}

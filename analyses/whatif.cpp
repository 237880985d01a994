#include "analyses/whatif.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qingliu::scenarios {

namespace {

const char* const kSelection = "selection";  // record label of values set from a selection

std::optional<double> number_param(const MeasureSpec& s, const std::string& k) {
    auto it = s.params.find(k);
    if (it == s.params.end()) return std::nullopt;
    if (const double* d = std::get_if<double>(&it->second.value)) return *d;
    return std::nullopt;
}
std::optional<std::string> text_param(const MeasureSpec& s, const std::string& k) {
    auto it = s.params.find(k);
    if (it == s.params.end()) return std::nullopt;
    if (const std::string* t = std::get_if<std::string>(&it->second.value)) return *t;
    return std::nullopt;
}
std::vector<std::string> list_param(const MeasureSpec& s, const std::string& k) {
    auto it = s.params.find(k);
    if (it == s.params.end()) return {};
    if (const auto* l = std::get_if<std::vector<std::string>>(&it->second.value)) return *l;
    if (const std::string* t = std::get_if<std::string>(&it->second.value)) return {*t};
    return {};
}

void set_param(MeasureSpec& s, const std::string& k, decltype(ParamValue::value) v) {
    s.params[k] = ParamValue{std::move(v), kSelection};
}

}  // namespace

std::optional<MeasureKnob> measure_knob(const MeasureSpec& spec) {
    MeasureKnob k;
    auto share = [&](const char* param) -> std::optional<MeasureKnob> {
        auto v = number_param(spec, param);
        if (!v) return std::nullopt;
        k.param = param;
        k.min = 0.0, k.max = 1.0, k.step = 0.01, k.value = *v;
        return k;
    };
    auto pct = [&]() -> std::optional<MeasureKnob> {
        auto v = number_param(spec, "reduction_pct");
        if (!v) return std::nullopt;
        k.param = "reduction_pct";
        k.min = 0.0, k.max = 100.0, k.step = 1.0, k.unit = "%", k.value = *v;
        return k;
    };
    if (spec.kind == "plant_collection") return share("collection_rate");
    if (spec.kind == "manure_utilisation") return share("rate");
    if (spec.kind == "rural_sewage" || spec.kind == "aquaculture_treatment") return share("coverage");
    if (spec.kind == "fertiliser_cut" || spec.kind == "source_reduction" || spec.kind == "wetland") return pct();
    if (spec.kind == "outfall" && text_param(spec, "action") == std::string("remediate")) {
        if (auto s = text_param(spec, "standard")) {
            k.param = "standard", k.choice = true, k.text = *s;
            return k;
        }
        return pct();
    }
    if (spec.kind == "plant_standard")
        if (auto s = text_param(spec, "standard")) {
            k.param = "standard", k.choice = true, k.text = *s;
            return k;
        }
    return std::nullopt;
}

WhatIf::WhatIf(const CaseModel& base, std::vector<MeasureSpec> measures)
    : base_(base), measures_(std::move(measures)), sweep_(base) {}

std::vector<std::size_t> WhatIf::outfalls() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < base_.sources.size(); ++i)
        if (base_.sources[i].type == "outfall") out.push_back(i);
    return out;
}
std::vector<std::size_t> WhatIf::plants() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < base_.sources.size(); ++i)
        if (base_.sources[i].type == "sewage_plant") out.push_back(i);
    return out;
}

namespace {

// The parameters of an outfall action (connect: the plant; remediate: a standard or a reduction): false, with the
// problem added, when they do not fit the case.
bool outfall_action(const CaseModel& base, const OutfallChoice& o, const std::string& rec, MeasureSpec& s, Problems& probs) {
    if (o.action == "connect") {
        bool plant = false;
        for (const auto& p : base.sources) plant = plant || (p.id == o.plant && p.type == "sewage_plant");
        if (!plant) {
            probs.add(kSelection, rec, "plant", o.plant, "no sewage plant with this id in the case");
            return false;
        }
        set_param(s, "plant", o.plant);
    } else if (o.action == "remediate") {
        if (o.standard) {
            if (!effluent_limits(base, *o.standard)) {
                probs.add(kSelection, rec, "standard", *o.standard, "unknown discharge standard");
                return false;
            }
            set_param(s, "standard", *o.standard);
        } else {
            const double pct = o.reduction_pct.value_or(70.0);
            if (!std::isfinite(pct) || pct < 0.0 || pct > 100.0) {
                probs.add(kSelection, rec, "reduction_pct", std::to_string(pct), "must be within 0 .. 100");
                return false;
            }
            set_param(s, "reduction_pct", pct);
        }
    } else if (o.action != "close") {
        probs.add(kSelection, rec, "action", o.action, "expected close, connect or remediate");
        return false;
    }
    return true;
}

// The case measure doing the same action on this outfall alone (that record, with its cost), or null.
const MeasureSpec* same_outfall_measure(const std::vector<MeasureSpec>& measures, const std::string& outfall, const MeasureSpec& s) {
    const MeasureSpec* same = nullptr;
    for (const auto& m : measures) {
        if (m.kind != "outfall" || list_param(m, "outfalls") != std::vector<std::string>{outfall}) continue;
        if (text_param(m, "action") != text_param(s, "action") || text_param(m, "plant") != text_param(s, "plant") ||
            text_param(m, "standard") != text_param(s, "standard") || number_param(m, "reduction_pct") != number_param(s, "reduction_pct"))
            continue;
        bool other = false;  // per-constituent shares would make it a different action
        for (const auto& [k, v] : m.params)
            other = other || (k != "outfalls" && k != "action" && k != "plant" && k != "standard" && k != "reduction_pct");
        if (!other) same = &m;
    }
    return same;
}

}  // namespace

SelectionRecords WhatIf::records(const Selection& sel, const std::string& scenario_id) const {
    Problems probs;
    SelectionRecords out;
    out.scenario.id = scenario_id;
    out.scenario.file = kSelection;
    out.scenario.record = kSelection;
    auto taken = [&](const std::string& id) {
        for (const auto& m : measures_)
            if (m.id == id) return true;
        for (const auto& m : out.measures)
            if (m.id == id) return true;
        return false;
    };
    auto add = [&](MeasureSpec s, bool added) {
        out.scenario.measures.push_back(s.id);
        if (added) out.added.push_back(s.id);
        out.measures.push_back(std::move(s));
    };
    // the case's measures, in the order of its records
    std::vector<const MeasureChoice*> chosen(measures_.size(), nullptr);
    for (std::size_t c = 0; c < sel.measures.size(); ++c) {
        const auto& ch = sel.measures[c];
        std::size_t i = 0;
        while (i < measures_.size() && measures_[i].id != ch.id) ++i;
        if (i == measures_.size()) {
            probs.add(kSelection, "measure " + std::to_string(c + 1), "id", ch.id, "no such measure in the case");
            continue;
        }
        if (chosen[i]) {
            probs.add(kSelection, "measure " + std::to_string(c + 1), "id", ch.id, "chosen twice");
            continue;
        }
        chosen[i] = &ch;
    }
    for (std::size_t i = 0; i < measures_.size(); ++i) {
        if (!chosen[i]) continue;
        const MeasureChoice& ch = *chosen[i];
        MeasureSpec s = measures_[i];
        const auto knob = measure_knob(s);
        bool changed = false;
        const std::string rec = "measure " + s.id;
        if (ch.value) {
            if (!knob || knob->choice) probs.add(kSelection, rec, "value", std::to_string(*ch.value), "this measure takes no number");
            else if (!std::isfinite(*ch.value) || *ch.value < knob->min || *ch.value > knob->max)
                probs.add(kSelection, rec, knob->param, std::to_string(*ch.value),
                          "must be within " + std::to_string(knob->min) + " .. " + std::to_string(knob->max));
            else if (*ch.value != knob->value) {
                set_param(s, knob->param, *ch.value);
                changed = true;
            }
        }
        if (ch.standard) {
            if (!knob || !knob->choice) probs.add(kSelection, rec, "standard", *ch.standard, "this measure takes no standard");
            else if (!effluent_limits(base_, *ch.standard)) probs.add(kSelection, rec, "standard", *ch.standard, "unknown discharge standard");
            else if (*ch.standard != knob->text) {
                set_param(s, "standard", *ch.standard);
                changed = true;
            }
        }
        if (changed) {
            s.id = scenario_id + "-" + s.id;
            if (taken(s.id)) probs.add(kSelection, rec, "id", s.id, "a measure with this id exists already");
            s.file = kSelection;
            s.record = rec;
        }
        add(std::move(s), changed);
    }
    // outfall actions
    std::vector<std::string> seen;
    for (std::size_t c = 0; c < sel.outfalls.size(); ++c) {
        const auto& o = sel.outfalls[c];
        const std::string rec = "outfall " + (o.outfall.empty() ? std::to_string(c + 1) : o.outfall);
        const loads::Source* src = nullptr;
        for (const auto& s : base_.sources)
            if (s.id == o.outfall && s.type == "outfall") src = &s;
        if (!src) {
            probs.add(kSelection, rec, "outfall", o.outfall, "no outfall with this id in the case");
            continue;
        }
        if (std::find(seen.begin(), seen.end(), o.outfall) != seen.end()) {
            probs.add(kSelection, rec, "outfall", o.outfall, "given twice");
            continue;
        }
        seen.push_back(o.outfall);
        MeasureSpec s;
        s.kind = "outfall";
        s.file = kSelection;
        s.record = rec;
        set_param(s, "outfalls", std::vector<std::string>{o.outfall});
        set_param(s, "action", o.action);
        if (!outfall_action(base_, o, rec, s, probs)) continue;
        // the same action as a case measure on this outfall alone: that record, with its cost
        const MeasureSpec* same = same_outfall_measure(measures_, o.outfall, s);
        if (same) {
            if (std::find(out.scenario.measures.begin(), out.scenario.measures.end(), same->id) == out.scenario.measures.end())
                add(*same, false);
            continue;
        }
        s.id = scenario_id + "-" + o.outfall + "-" + o.action;
        if (taken(s.id)) probs.add(kSelection, rec, "id", s.id, "a measure with this id exists already");
        s.name = "排污口" + o.outfall + (o.action == "close" ? "关闭" : o.action == "connect" ? "接入" + o.plant : "整治");
        s.name_en = "Outfall " + o.outfall + (o.action == "close" ? " closed" : o.action == "connect" ? " connected to " + o.plant : " remediated");
        add(std::move(s), true);
    }
    probs.throw_if_any("the selection cannot be evaluated");
    return out;
}

Scenario WhatIf::compile(const SelectionRecords& r) const {
    Problems probs;
    auto sc = compile_scenarios(base_, r.measures, {r.scenario}, probs);
    probs.throw_if_any("the selection cannot be evaluated");
    if (sc.size() != 1) throw InputError("the selection cannot be evaluated", {{kSelection, "", "", "", "no scenario compiled"}});
    return sc.front();
}

WhatIfSection section_outcome(const CaseModel& m, std::size_t k, const SectionResult& r) {
    WhatIfSection o;
    o.result = r;
    const auto& sec = m.sections[k];
    o.margin = std::numeric_limits<double>::infinity();
    for (auto c : kConstituents) {
        const int i = idx(c);
        // exceedance = value / limit - 1, so the headroom (limit - value) / limit is its negative
        o.margin = std::min(o.margin, -r.cls.exceedance[i]);
        if (r.cls.cls[i] > sec.target_class) o.exceeding.push_back(i);
    }
    return o;
}

WhatIfOutcome WhatIf::evaluate(const Scenario& s) const {
    WhatIfOutcome out;
    Sweep::Outcome r = sweep_.evaluate(s);
    out.linear = r.linear;
    out.sections.reserve(r.sections.size());
    for (std::size_t k = 0; k < r.sections.size(); ++k) {
        out.sections.push_back(section_outcome(base_, k, r.sections[k]));
        out.meeting += r.sections[k].cls.meets ? 1 : 0;
    }
    out.invest_wan = s.invest_wan();
    out.annual_wan = s.annual_wan();
    out.scenario = s;
    return out;
}

WhatIfOutcome WhatIf::evaluate(const Selection& sel) const { return evaluate(compile(records(sel, "whatif"))); }

}  // namespace qingliu::scenarios

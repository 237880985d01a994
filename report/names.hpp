// English names in reports. A name shown in English is the case's own English name where it has one (the name_en
// columns of sections, measures, scenarios, and of reaches (name_en, river_en) and sources (name_en) where the
// tables have them); otherwise a transliteration of the Chinese name:
//   - the generic term at the end of a name is translated (a glossary, longest first: 污水处理厂 Wastewater Treatment
//     Plant, 排污口 Outfall, 断面 Section, 大桥 Bridge, 水库 Reservoir, 河 River, 江 River keeping "jiang", 镇 Town,
//     乡 Township, 村 Village, 区 District, 县 County, 市 City ...), repeatedly (五通桥区污水处理厂 -> Wutongqiao
//     District Wastewater Treatment Plant), and 段 Reach (上段 Upper Reach ...); a town (镇) or township (乡) named
//     inside a longer name is a word of its own (高店镇生猪养殖场 -> Gaodian Town Shengzhu Farm);
//   - the rest, the proper name, is written in toneless Hanyu Pinyin as one capitalised word, with an apostrophe
//     before a syllable starting with a, o or e (Xi'an), as Chinese place names are romanised (GB/T 16159-2012);
//     the reading is Unihan's kMandarin (report/pinyin_table.cpp, scripts/gen_pinyin_table.py), with place-name
//     readings for 长 chang, 重 chong, 都 du, 沈 shen, 犍 qian. A character read differently in a name gives a wrong
//     syllable: such names need their name_en in the case;
//   - letters, digits and ASCII punctuation are kept; full-width punctuation becomes ASCII.
// 劣V is written "劣V (worse than V)" wherever a class is shown in English.
#pragma once
#include <string>

#include "report/report.hpp"

namespace qingliu::report {

/// The transliteration described above ("茫溪河" -> "Mangxi River"); a name without Chinese characters is returned as
/// it is.
std::string transliterate(const std::string& zh);

/// `en` when given, else transliterate(zh).
std::string english_or(const std::string& en, const std::string& zh);

/// A class in English tables: "I" .. "V", and "劣V (worse than V)".
std::string class_roman_en(int cls);

/// Fills every English name a report shows and the case left empty (reach, river, source and town names, section
/// and scenario names, measures) by transliteration.
void complete_english_names(ReportData& d);

namespace detail {
extern const char* const kSyllables[];
extern const unsigned kSyllableCount;
extern const unsigned short kPinyinIndex[];
}  // namespace detail

}  // namespace qingliu::report

// English names of reports: the transliteration fallback (report/names.hpp) on names of the shipped cases, checked
// against their published romanised forms.
#include <catch2/catch.hpp>

#include "report/names.hpp"

using namespace qingliu;
using namespace qingliu::report;

TEST_CASE("names: Chinese names transliterated with their generic terms translated", "[report][names]") {
    // rivers: 河 translated, 江 kept in the name (the usual English of these rivers)
    CHECK(transliterate("岷江") == "Minjiang River");
    CHECK(transliterate("茫溪河") == "Mangxi River");
    CHECK(transliterate("湟水") == "Huangshui");
    CHECK(transliterate("金沙江") == "Jinshajiang River");
    CHECK(transliterate("长江") == "Changjiang River");  // place-name reading of 长 (kMandarin: zhang)
    // places and facilities: terms stripped repeatedly from the end, the proper name as one word
    CHECK(transliterate("五通桥区污水处理厂") == "Wutongqiao District Wastewater Treatment Plant");
    CHECK(transliterate("乐山市") == "Leshan City");
    CHECK(transliterate("牛华镇") == "Niuhua Town");
    CHECK(transliterate("西安") == "Xi'an");  // apostrophe before a syllable starting with a vowel (GB/T 16159-2012)
    CHECK(transliterate("犍为县") == "Qianwei County");
    CHECK(transliterate("重庆") == "Chongqing");
    // ASCII kept, full-width punctuation made ASCII, mixed runs spaced
    CHECK(transliterate("WTQ-T1") == "WTQ-T1");
    CHECK(transliterate("") == "");
    CHECK(transliterate("G213大桥") == "G213 Bridge");
    CHECK(transliterate("岷江（五通桥段）") == "Minjiang River (Wutongqiao Reach)");
    CHECK(transliterate("茫溪河、涌斯江") == "Mangxi River, Yongsijiang River");
    CHECK(transliterate("河") == "River");
    CHECK(transliterate("岷江 乐山入境—三江汇口") == "Minjiang River Leshanrujing-Sanjianghuikou");  // a name that is only a term keeps it
    // ü of the table (written v there) comes back as ü
    CHECK(transliterate("绿") == "Lü");
    // a town named inside a longer name is a word of its own
    CHECK(transliterate("高店镇生猪养殖场") == "Gaodian Town Shengzhu Farm");
    CHECK(transliterate("城镇污水处理厂") == "Wastewater Treatment Plant");  // 镇 at index 1: a term, not a town
}

TEST_CASE("names: English names completed, the case's own kept", "[report][names]") {
    ReportData d;
    d.case_name = "乐山";
    Reach r;
    r.id = "MJ1";
    r.river = "岷江";
    r.name = "岷江上段";
    d.network.push_back(r);
    r.id = "MX1";
    r.river = "茫溪河";
    r.river_en = "Mangxi He";  // the case's own
    r.name = "";
    d.network.push_back(r);
    Scenario s;
    s.measures = {"城镇污水处理率提高", "treat95"};
    s.measures_en = {"Urban sewage treatment up"};
    SectionResult x;
    x.name = "五通桥";
    x.name_en = "五通桥";  // readers copy the name where name_en is missing
    x.river = "茫溪河";
    s.sections.push_back(x);
    Source so;
    so.id = "P1";
    so.name = "牛华镇污水处理厂";
    so.town = "牛华镇";
    s.sources.push_back(so);
    d.scenarios.push_back(s);
    complete_english_names(d);
    CHECK(d.case_name_en == "Leshan");
    CHECK(d.network[0].river_en == "Minjiang River");
    CHECK(d.network[0].name_en == "Minjiang Upper Reach");
    CHECK(d.network[1].river_en == "Mangxi He");
    CHECK(d.network[1].name_en.empty());
    const auto& t = d.scenarios[0];
    REQUIRE(t.measures_en.size() == 2);
    CHECK(t.measures_en[0] == "Urban sewage treatment up");
    CHECK(t.measures_en[1] == "treat95");
    CHECK(t.sections[0].name_en == "Wutongqiao");
    CHECK(t.sections[0].river_en == "Mangxi He");  // the network's English river name
    CHECK(t.sources[0].name_en == "Niuhua Town Wastewater Treatment Plant");
    CHECK(t.sources[0].town_en == "Niuhua Town");
    CHECK(class_roman_en(6) == "劣V (worse than V)");
    CHECK(class_roman_en(3) == "III");
}

// Test helper needing GDAL: converting tables between formats, as ogr2ogr does.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <gdal_utils.h>

namespace qingliu::test {

// ogr2ogr-equivalent: one layer from `src` into `dst` (created or updated) under `layer`.
// CSV sources are read with AUTODETECT_TYPE, so dates and numbers become typed fields (date cells in XLSX); with
// `text_only` every field stays text, as plain `ogr2ogr -f XLSX x.xlsx x.csv` and most exports write them.
inline void translate(const std::filesystem::path& src, const std::filesystem::path& dst, const std::string& layer,
                      const std::string& format, bool update, std::vector<std::string> extra = {}, bool text_only = false) {
    GDALAllRegister();
    const char* oo[] = {text_only ? "AUTODETECT_TYPE=NO" : "AUTODETECT_TYPE=YES", nullptr};
    GDALDatasetH in = GDALOpenEx(src.c_str(), GDAL_OF_VECTOR, nullptr, oo, nullptr);
    REQUIRE(in != nullptr);
    std::vector<std::string> args = {"-f", format, "-nln", layer};
    if (update) args.push_back("-update");
    for (auto& e : extra) args.push_back(e);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    GDALVectorTranslateOptions* opt = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
    int err = 0;
    GDALDatasetH out = update ? GDALOpenEx(dst.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr) : nullptr;
    GDALDatasetH res = GDALVectorTranslate(update ? nullptr : dst.c_str(), out, 1, &in, opt, &err);
    REQUIRE(res != nullptr);
    if (!update) GDALClose(res);
    else GDALClose(out);
    GDALVectorTranslateOptionsFree(opt);
    GDALClose(in);
}

}  // namespace qingliu::test

// A line layer written with GDAL for the tests of `qingliu network`.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "synthetic_lines.hpp"

namespace qingliu::test {

/// Writes the line features (coordinates mapped by `xf`) with fields 编号 (id) and 河流名称 (river name), a layer
/// "rivers" with creation options `lco`; a one-part feature is a LineString unless `multi_always`.
inline void write_lines(const std::filesystem::path& path, const char* driver, const OGRSpatialReference* srs,
                        const std::vector<reaches::LineFeature>& fs_, const std::function<P(P)>& xf, std::vector<std::string> lco = {},
                        bool multi_always = false) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    REQUIRE(drv);
    GDALDataset* ds = drv->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds);
    char** opts = nullptr;
    for (const auto& s : lco) opts = CSLAddString(opts, s.c_str());
    OGRLayer* l = ds->CreateLayer("rivers", const_cast<OGRSpatialReference*>(srs), std::string(driver) == "ESRI Shapefile" ? wkbLineString : wkbUnknown, opts);
    CSLDestroy(opts);
    REQUIRE(l);
    OGRFieldDefn fid("编号", OFTString), fname("河流名称", OFTString);
    REQUIRE(l->CreateField(&fid) == OGRERR_NONE);
    REQUIRE(l->CreateField(&fname) == OGRERR_NONE);
    for (const auto& f : fs_) {
        OGRFeature ft(l->GetLayerDefn());
        ft.SetField(0, f.id.c_str());
        ft.SetField(1, f.name.c_str());
        OGRMultiLineString ml;
        for (const auto& part : f.parts) {
            OGRLineString ls;
            for (auto v : part) ls.addPoint(xf(v).first, xf(v).second);
            ml.addGeometry(&ls);
        }
        if (f.parts.size() == 1 && !multi_always) ft.SetGeometry(ml.getGeometryRef(0));
        else ft.SetGeometry(&ml);
        REQUIRE(l->CreateFeature(&ft) == OGRERR_NONE);
    }
    GDALClose(ds);
}

}  // namespace qingliu::test

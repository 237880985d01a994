// Pieces shared by the GeoPackage writers (gpkg_writer.cpp, mixing_gpkg.cpp, network_case.cpp): creating the file,
// layers with typed fields, the CRS of a layout, the layer_styles table QGIS reads, and staging a file as bytes.
// Internal to io's export target.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "common/constituent.hpp"
#include "report/layout.hpp"

namespace qingliu::io::gpkg {

struct DatasetCloser {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;
using Fields = std::vector<std::pair<std::string, OGRFieldType>>;

/// A new GeoPackage at `path` (an existing file is replaced) with a transaction open. Throws OutputError.
Dataset create(const std::string& path);
/// Commits the transaction and closes the file; OutputError naming `path` if either fails.
void finish(Dataset& ds, const std::string& path);

/// OutputError "GeoPackage: <what>: <GDAL's message>" unless e is OGRERR_NONE.
void check(OGRErr e, const std::string& what);

/// A layer with a DESCRIPTION and the given fields.
OGRLayer* make_layer(GDALDataset* ds, const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                     const Fields& fields, const std::string& description);

/// fields, then one field <key><suffix> per state variable (common/constituent.hpp), then rest.
Fields with_constituent_fields(Fields fields, const char* suffix, OGRFieldType type, const Fields& rest = {});

/// A real field, NULL when v is not finite.
void set_real(OGRFeature& f, const char* name, double v);
/// The fields <key>_mgL of every state variable.
void set_concentrations(OGRFeature& f, const PerConstituent& conc_mgL);

/// The CRS of WKT text with longitude/latitude in x/y order; nullptr for "" or unreadable text.
std::unique_ptr<OGRSpatialReference> srs_from_wkt(const std::string& wkt);
/// The CRS of a layout: the case's CRS, or for the schematic a local engineering CRS in km (so that QGIS shows the
/// diagram at its scale and never mistakes it for longitude/latitude).
std::unique_ptr<OGRSpatialReference> layout_srs(const report::Layout& L);
/// What the coordinates of a layout are, for layer descriptions.
std::string frame_text(const report::Layout& L);

/// One row of the layer_styles table (as QGIS keeps styles in a GeoPackage), applied when the layer is opened.
struct Style {
    std::string layer, name, qml, sld, description;
};
void write_layer_styles(GDALDataset* ds, const std::vector<Style>& styles);

/// Calls write(path) for a file `file_name` in a new temporary folder and returns the file's bytes (the folder is
/// removed afterwards), for staged output. Throws OutputError.
std::string bytes_of(const std::string& file_name, const std::function<void(const std::string& path)>& write);

}  // namespace qingliu::io::gpkg

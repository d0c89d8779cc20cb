#pragma once
// Settlement's exports use the shared table export of the core (huicai/core/table_export.hpp).
#include <huicai/core/table_export.hpp>

namespace huicai::settlement {
using huicai::csv_export;
using huicai::ExportFormat;
using huicai::table_export;
using huicai::TableExport;
using huicai::xlsx_export;
}  // namespace huicai::settlement

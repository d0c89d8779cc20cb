#pragma once
// Settlement's exports use the shared CSV writer of the core (huicai/core/csv.hpp).
#include <huicai/core/csv.hpp>

namespace huicai::settlement {
using huicai::csv_text;
using huicai::CsvWriter;
using huicai::kUtf8Bom;
using huicai::yuan;
}  // namespace huicai::settlement

#pragma once
// The trace of an order line (issue 15 item 3): where its units came from (each harvest batch
// part: harvest date, origin village, inspection report), the certification at purchase, the
// shipment (carrier, tracking number, the batch number typed at shipment) and the acceptance,
// all from ordering's own records.

#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/auth/roles.hpp>
#include <optional>

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

struct LineTrace {
  auth::Owner owner;  // the buyer, the buyer's unit (unit orders), the supplier's county
  boost::json::object trace;
};

// nullopt when there is no such line.
std::optional<LineTrace> load_line_trace(mysql::Session& session, std::int64_t line_id);

}  // namespace huicai::ordering

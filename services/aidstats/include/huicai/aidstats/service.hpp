#pragma once
// The aid totals service: running totals by day, county, supplier, unit (rolled up the org
// tree), fund source and category, direct purchase vs help-sell, kept live from ordering's
// events and rebuilt from ordering's published views by `huicai aidstats-rebuild`.

#include <huicai/core/app/context.hpp>
#include <huicai/core/events/consumer.hpp>
#include <string>

namespace huicai::aidstats {

inline constexpr std::string_view kTotalsGroup = "aidstats-totals";

void register_service(app::Context& context, http::Router& router);
app::ServiceEntry service_entry();

// The totals' consumer of the ordering stream: group `group`, this process's name, the event
// types it applies; its handler is apply_ordering_events (huicai/aidstats/totals.hpp).
events::ConsumerOptions totals_consumer_options(std::string group = std::string(kTotalsGroup));
events::BatchHandler totals_handler();

}  // namespace huicai::aidstats

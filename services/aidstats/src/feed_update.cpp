// The live feed's messages (feed_update.hpp).
#include <boost/json.hpp>
#include <huicai/aidstats/feed_update.hpp>

namespace huicai::aidstats {

bool feed_carries(const TotalKey& key) {
  return key.period.empty() || key.dimension == "total";
}

void merge_into(FeedUpdate& older, const FeedUpdate& newer) {
  for (const auto& [key, amount] : newer.values) older.values[key] = amount;
  older.seq = std::max(older.seq, newer.seq);
}

std::string channel_message_tail(const Totals& values) {
  boost::json::array changes;
  changes.reserve(values.size());
  for (const auto& [key, amount] : values) {
    changes.push_back(boost::json::array{boost::json::string(key.dimension),
                                         boost::json::string(key.period),
                                         boost::json::string(key.item), amount});
  }
  return ",\"changes\":" + boost::json::serialize(changes) + "}";
}

std::optional<FeedUpdate> parse_channel_message(std::string_view text) {
  boost::system::error_code error;
  auto value = boost::json::parse(text, error);
  if (error || !value.is_object()) return std::nullopt;
  const auto& object = value.as_object();
  const auto* seq = object.if_contains("seq");
  const auto* changes = object.if_contains("changes");
  if (!seq || !seq->is_int64() || !changes || !changes->is_array()) return std::nullopt;
  FeedUpdate update;
  update.seq = seq->as_int64();
  for (const auto& change : changes->as_array()) {
    const auto* row = change.if_array();
    if (!row || row->size() != 4 || !(*row)[0].is_string() || !(*row)[1].is_string() ||
        !(*row)[2].is_string() || !(*row)[3].is_int64()) {
      return std::nullopt;
    }
    update.values[TotalKey{std::string((*row)[0].as_string()), std::string((*row)[1].as_string()),
                           std::string((*row)[2].as_string())}] = (*row)[3].as_int64();
  }
  return update;
}

std::string subscriber_frame(std::string_view type, const FeedUpdate& update) {
  boost::json::object frame{{"type", type}, {"seq", update.seq}};
  const auto total = update.values.find(TotalKey{"total", "", ""});
  if (total != update.values.end()) frame["total_fen"] = total->second;
  boost::json::array changes;
  changes.reserve(update.values.size());
  for (const auto& [key, amount] : update.values) {
    changes.push_back(boost::json::object{{"dimension", key.dimension},
                                          {"period", key.period},
                                          {"item", key.item},
                                          {"amount_fen", amount}});
  }
  frame["changes"] = std::move(changes);
  return boost::json::serialize(frame);
}

}  // namespace huicai::aidstats

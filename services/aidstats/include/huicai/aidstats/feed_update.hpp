#pragma once
// What the live feed carries: the absolute amounts of the totals rows a batch changed, with a
// sequence number. Absolute amounts make updates mergeable: a subscriber that is behind gets
// one update holding the latest amount of every row that changed, not each one in between.
//
// On the Redis channel: {"seq":N,"changes":[[dimension,period,item,amount_fen],...]}.
// To a WebSocket subscriber: {"type":"update"|"snapshot","seq":N,"total_fen":T,
//   "changes":[{"dimension":..,"period":..,"item":..,"amount_fen":..},...]} (total_fen: the
//   all-time total, present when it is among the changes).
#include <cstdint>
#include <huicai/aidstats/contribution.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::aidstats {

struct FeedUpdate {
  std::int64_t seq = 0;
  Totals values;  // absolute amount_fen per totals row
};

// The rows the feed carries: every all-time row, and the overall total of every period (the
// daily trend).
bool feed_carries(const TotalKey& key);

// `newer` on top of `older`: its amounts win, its sequence number is kept.
void merge_into(FeedUpdate& older, const FeedUpdate& newer);

// The channel's "changes" array and the rest of the message after the sequence number, as the
// publishing script completes it: `,"changes":[...]}`.
std::string channel_message_tail(const Totals& values);
std::optional<FeedUpdate> parse_channel_message(std::string_view text);

// The frame a subscriber receives; `type` "update" or "snapshot".
std::string subscriber_frame(std::string_view type, const FeedUpdate& update);

}  // namespace huicai::aidstats

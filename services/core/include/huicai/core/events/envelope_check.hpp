#pragma once
// What a consumer checks on every stream entry before applying it. Anyone who can write to
// Redis can XADD to a stream; an entry whose envelope could not have come from our relay (no
// UUID event id, a type not shaped "<area>.<event>.v<N>" or not of its producer's area (audit
// entries excepted), a time of zero or in the future) is acknowledged, counted
// (huicai_events_rejected_total) and never applied. A well-formed forgery by a process that
// holds the Redis password is not caught here: that is what the Redis ACL user is for.

#include <chrono>
#include <huicai/core/events/consumer.hpp>
#include <string>

namespace huicai::events {

// How far an event's time may lie ahead of this host's clock (clock skew between hosts).
inline constexpr std::chrono::minutes kEnvelopeClockSkew{5};

// Why `event` must not be applied; empty when it may be.
std::string envelope_problem(const ReceivedEvent& event, std::chrono::system_clock::time_point now =
                                                             std::chrono::system_clock::now());

}  // namespace huicai::events

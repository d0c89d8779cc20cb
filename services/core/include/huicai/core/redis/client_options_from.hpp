#pragma once
// Redis client options from Config (HUICAI_REDIS_*), the one mapping every process uses.
// Reconnect delays keep the client's defaults; tests shorten them afterwards.

#include <huicai/core/config.hpp>
#include <huicai/core/redis/client.hpp>

namespace huicai::redis {

ClientOptions client_options_from(const Config& config);

}  // namespace huicai::redis

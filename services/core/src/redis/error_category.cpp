// The error category of huicai::redis::Error (transport failures; -ERR replies are not errors
// here but Reply::Type::error, because the server did answer).
#include <huicai/core/redis/client.hpp>
#include <string>

namespace huicai::redis {
namespace {

class RedisCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "huicai.redis"; }
  std::string message(int value) const override {
    switch (static_cast<Error>(value)) {
      case Error::not_connected:
        return "not connected to Redis";
      case Error::timeout:
        return "Redis did not answer within the deadline";
      case Error::shutting_down:
        return "the Redis client is shutting down";
      case Error::protocol:
        return "Redis connection failed with a protocol error";
    }
    return "unknown Redis client error";
  }
};

}  // namespace

const boost::system::error_category& redis_category() noexcept {
  static const RedisCategory category;
  return category;
}

boost::system::error_code make_error_code(Error error) noexcept {
  return {static_cast<int>(error), redis_category()};
}

}  // namespace huicai::redis

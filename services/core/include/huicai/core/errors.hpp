#pragma once
// Exceptions that cross layers. Everything else is a boost::system::result at the I/O edge or a
// http::Problem for the client's mistakes.

#include <stdexcept>
#include <string>

namespace huicai {

// A backend (MySQL, Redis) cannot serve right now: the pool is down or overloaded, a command
// timed out. The HTTP dispatcher answers 503 with Retry-After; background loops back off.
class ServiceUnavailable : public std::runtime_error {
 public:
  ServiceUnavailable(std::string dependency, const std::string& detail,
                     int retry_after_seconds = 1)
      : std::runtime_error(dependency + ": " + detail),
        dependency_(std::move(dependency)),
        retry_after_seconds_(retry_after_seconds) {}
  const std::string& dependency() const { return dependency_; }
  int retry_after_seconds() const { return retry_after_seconds_; }

 private:
  std::string dependency_;
  int retry_after_seconds_;
};

}  // namespace huicai

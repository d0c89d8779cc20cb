#include "http/request_id.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>

namespace huicai::http {

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == ':';
    if (!plain) return false;
  }
  return true;
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Most significant nibble first, so one thread's ids sort in the order they were made.
void write_hex(std::uint64_t bits, char* out) {
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[bits & 0xF];
    bits >>= 4;
  }
}

}  // namespace

std::string generate_request_id() {
  // Unique, not secret: 64 random bits drawn once per thread (so other threads, processes and
  // restarts get other prefixes) followed by the thread's own counter. Per id that is a copy
  // and a few shifts, instead of two generator draws.
  thread_local const std::array<char, 16> prefix = [] {
    std::random_device device;
    const std::uint64_t bits = (std::uint64_t{device()} << 32) ^ std::uint64_t{device()};
    std::array<char, 16> hex;
    write_hex(bits, hex.data());
    return hex;
  }();
  thread_local std::uint64_t counter = 0;
  std::string id(32, '0');
  std::copy(prefix.begin(), prefix.end(), id.begin());
  write_hex(++counter, id.data() + 16);
  return id;
}

}  // namespace huicai::http

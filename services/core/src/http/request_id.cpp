#include "http/request_id.hpp"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
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

// Bumped in every forked child.
std::atomic<std::uint64_t> fork_generation{0};

}  // namespace

std::string generate_request_id() {
  // Unique, not secret: 64 random bits drawn once per thread (so other threads, processes and
  // restarts get other prefixes) followed by the thread's own counter. Per id that is a copy
  // and a few shifts, instead of two generator draws.
  static const bool fork_hook = [] {
    // A forked child (the worker supervisor) inherits the forking thread's prefix and counter:
    // make it draw its own.
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
    return true;
  }();
  (void)fork_hook;
  struct ThreadState {
    std::array<char, 16> prefix{};
    std::uint64_t counter = 0;
    std::uint64_t generation = ~std::uint64_t{0};  // none yet
  };
  thread_local ThreadState state;
  if (const auto generation = fork_generation.load(std::memory_order_relaxed);
      state.generation != generation) {
    std::random_device device;
    write_hex((std::uint64_t{device()} << 32) ^ std::uint64_t{device()}, state.prefix.data());
    state.counter = 0;
    state.generation = generation;
  }
  std::string id(32, '0');
  std::copy(state.prefix.begin(), state.prefix.end(), id.begin());
  write_hex(++state.counter, id.data() + 16);
  return id;
}

}  // namespace huicai::http

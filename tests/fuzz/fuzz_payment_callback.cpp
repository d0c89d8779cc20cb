// libFuzzer: the payment channel's callback as POST /v1/payments/callbacks/sandbox receives it:
// signature check, then parsing. The first byte chooses whether the rest arrives with the
// channel's own signature (so parsing is reached, as after a genuine delivery) or with a
// signature taken from the input (which must then never verify unless it is the right one).
// parse_callback is also run on every body: it must never throw, and what it returns must carry
// exactly the fields of the body.
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "payment_channel.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

const huicai::ordering::SandboxChannel& channel() {
  static const huicai::ordering::SandboxChannel instance("fuzz-sandbox-secret");
  return instance;
}

void check_parsed(std::string_view body) {
  const auto callback = channel().parse_callback(body);
  if (!callback) return;
  boost::json::error_code error;
  const auto value = boost::json::parse(body, error);
  require(!error && value.is_object());
  const auto& object = value.as_object();
  require(object.at("event_id").as_string() == callback->channel_event_id);
  require(object.at("intent_id").as_string() == callback->intent_id);
  require(object.at("amount_fen").as_int64() == callback->amount_fen);
  require(object.at("status").as_string() == callback->status);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    const std::string signature = channel().sign(rest);
    require(signature.size() == 64);
    require(channel().verify_signature(rest, signature));
    check_parsed(rest);
  } else {
    // "<signature>\n<body>": a forged or truncated signature.
    const auto newline = rest.find('\n');
    const auto signature = rest.substr(0, newline);
    const auto body =
        newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    const bool verified = channel().verify_signature(body, signature);
    require(verified == (signature == channel().sign(body)));
    check_parsed(body);
  }
  return 0;
}

// libFuzzer: decode_json<SampleOrder> on arbitrary bytes. It may only ever throw http::Problem
// (400 or 422); anything else (another exception, a crash, UB) is a finding. A Problem's body
// must itself be valid JSON (error paths quote client keys), and whatever decodes must encode
// and decode again to the same JSON.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <cstdlib>
#include <huicai/core/json.hpp>
#include <string_view>

namespace fuzz_types {

enum class Channel { direct_purchase, help_sell };
BOOST_DESCRIBE_ENUM(Channel, direct_purchase, help_sell)

struct Line {
  std::int64_t sku_id = 0;
  std::int32_t quantity = 0;
  std::optional<std::uint64_t> weight_grams;
};
BOOST_DESCRIBE_STRUCT(Line, (), (sku_id, quantity, weight_grams))

struct SampleOrder {
  std::string buyer;
  std::vector<Line> lines;
  std::optional<std::string> note;
  bool gift = false;
  Channel channel = Channel::direct_purchase;
  huicai::Money budget_fen;
  std::optional<std::vector<std::optional<std::int16_t>>> tags;
};
BOOST_DESCRIBE_STRUCT(SampleOrder, (), (buyer, lines, note, gift, channel, budget_fen, tags))

}  // namespace fuzz_types

namespace {

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void check_problem(const huicai::http::Problem& problem) {
  require(problem.status() == 400 || problem.status() == 422);
  const auto response = problem.to_response("/fuzz", "fuzz");
  boost::json::error_code error;
  const auto body = boost::json::parse(response.body, error);
  require(!error && body.is_object());
}

void decode(std::string_view text, huicai::DecodeOptions options) {
  try {
    const auto order = huicai::decode_json<fuzz_types::SampleOrder>(text, options);
    const std::string encoded = boost::json::serialize(huicai::encode_json(order));
    const auto again = huicai::decode_json<fuzz_types::SampleOrder>(encoded);
    require(boost::json::serialize(huicai::encode_json(again)) == encoded);
  } catch (const huicai::http::Problem& problem) {
    check_problem(problem);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  decode(text, huicai::DecodeOptions{true});
  decode(text, huicai::DecodeOptions{false});
  return 0;
}

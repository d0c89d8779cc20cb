// The contribution of one order to the totals (huicai/aidstats/contribution.hpp).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <huicai/aidstats/contribution.hpp>
#include <stdexcept>

namespace huicai::aidstats {
namespace {

// 128-bit products: fen amounts of a whole history times each other overflow 64 bits.
__extension__ using Wide = __int128;

int parse_int(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument("not a number: " + std::string(text));
  }
  return value;
}

std::chrono::year_month_day parse_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') {
    throw std::invalid_argument("not a date: " + std::string(day));
  }
  const std::chrono::year_month_day date{std::chrono::year{parse_int(day.substr(0, 4))},
                                         std::chrono::month{unsigned(parse_int(day.substr(5, 2)))},
                                         std::chrono::day{unsigned(parse_int(day.substr(8, 2)))}};
  if (!date.ok()) throw std::invalid_argument("not a date: " + std::string(day));
  return date;
}

// The periods a purchase of `day` counts in, coarsest first: all time, year, month, ISO week,
// day. `depth` says how many of them a dimension keeps.
std::vector<std::string> periods_of(const std::string& day, std::size_t depth) {
  std::vector<std::string> periods{"", day.substr(0, 4), day.substr(0, 7), iso_week(day), day};
  periods.resize(depth);
  return periods;
}

void add(Totals& totals, const std::string& dimension, const std::string& item,
         const std::vector<std::string>& periods, std::int64_t amount_fen) {
  if (amount_fen == 0) return;
  for (const auto& period : periods) totals[TotalKey{dimension, period, item}] += amount_fen;
}

}  // namespace

std::string_view purchase_class(std::string_view fund_source) {
  return fund_source == "unit_budget" ? "direct" : "help_sell";
}

std::vector<std::int64_t> split_by_source(std::int64_t certified_fen,
                                          const std::vector<std::int64_t>& net_by_source) {
  std::vector<std::int64_t> split(net_by_source.size(), 0);
  if (certified_fen == 0) return split;
  std::int64_t net_total = 0;
  for (auto net : net_by_source) {
    if (net < 0) throw std::invalid_argument("negative net fund share");
    net_total += net;
  }
  if (certified_fen < 0 || certified_fen > net_total) {
    throw std::invalid_argument("certified amount " + std::to_string(certified_fen) +
                                " outside the order's net " + std::to_string(net_total));
  }
  std::int64_t given = 0;
  for (std::size_t i = 0; i < split.size(); ++i) {
    split[i] =
        static_cast<std::int64_t>(static_cast<Wide>(certified_fen) * net_by_source[i] / net_total);
    given += split[i];
  }
  for (std::size_t i = 0; given < certified_fen; i = (i + 1) % split.size()) {
    if (split[i] < net_by_source[i]) {
      ++split[i];
      ++given;
    }
  }
  return split;
}

std::string iso_week(std::string_view day) {
  using namespace std::chrono;
  const sys_days date{parse_day(day)};
  const unsigned weekday_number = weekday{date}.iso_encoding();  // Monday 1 .. Sunday 7
  const sys_days thursday = date + days{4 - static_cast<int>(weekday_number)};
  const year week_year = year_month_day{thursday}.year();
  const int week = static_cast<int>((thursday - sys_days{week_year / January / 1}).count() / 7 + 1);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-W%02d", static_cast<int>(week_year), week);
  return text;
}

void add_contribution(Totals& totals, const OrderFacts& order, int sign) {
  if (order.lines.empty()) return;
  const auto& day = order.paid_day;
  std::int64_t certified_fen = 0;
  for (const auto& line : order.lines) {
    const std::int64_t amount = sign * line.net_fen;
    certified_fen += line.net_fen;
    add(totals, "total", "", periods_of(day, 5), amount);
    add(totals, "county", std::to_string(line.county_id), periods_of(day, 4), amount);
    if (order.unit_id != 0) {
      add(totals, "unit", std::to_string(order.unit_id), periods_of(day, 4), amount);
    }
    add(totals, "supplier", std::to_string(line.supplier_id), periods_of(day, 3), amount);
    add(totals, "category", std::to_string(line.category_id), periods_of(day, 2), amount);
  }
  const auto split = split_by_source(
      certified_fen, {order.budget_net_fen, order.allowance_net_fen, order.personal_net_fen});
  for (std::size_t i = 0; i < split.size(); ++i) {
    const std::string source(kFundSources[i]);
    add(totals, "fund_source", source, periods_of(day, 3), sign * split[i]);
    add(totals, "class", std::string(purchase_class(source)), periods_of(day, 5), sign * split[i]);
  }
}

}  // namespace huicai::aidstats

#include "line_trace.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "order_records.hpp"

namespace huicai::ordering {
namespace {

template <class T>
boost::json::value or_null(const std::optional<T>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}
boost::json::value time_or_null(const std::optional<std::string>& value) {
  return value ? boost::json::value(iso_time(*value)) : boost::json::value(nullptr);
}

boost::json::array batch_parts(mysql::Session& session, std::int64_t line_id) {
  auto& select = session.prepare(
      "SELECT lb.batch_id, lb.quantity, b.presale, DATE_FORMAT(b.harvest_date, '%Y-%m-%d') AS "
      "harvest_date, b.origin_village, b.inspection_report, DATE_FORMAT(b.ships_from, "
      "'%Y-%m-%d') AS ships_from FROM ordering_line_batches lb JOIN ordering_stock_batches b ON "
      "b.id = lb.batch_id WHERE lb.line_id = ? ORDER BY b.harvest_date IS NULL, b.harvest_date, "
      "b.created_at, "
      "b.id");
  mysql::bind(select, line_id);
  auto rows = mysql::query(select);
  boost::json::array parts;
  while (rows->next()) {
    parts.push_back(boost::json::object{
        {"batch_id", rows->getInt64("batch_id")},
        {"quantity", rows->getInt64("quantity")},
        {"presale", rows->getInt("presale") != 0},
        {"harvest_date", or_null(mysql::get_optional_string(*rows, "harvest_date"))},
        {"origin_village", or_null(mysql::get_optional_string(*rows, "origin_village"))},
        {"inspection_report", or_null(mysql::get_optional_string(*rows, "inspection_report"))},
        {"ships_from", or_null(mysql::get_optional_string(*rows, "ships_from"))}});
  }
  return parts;
}

}  // namespace

std::optional<LineTrace> load_line_trace(mysql::Session& session, std::int64_t line_id) {
  auto& find = session.prepare("SELECT order_id FROM ordering_order_lines WHERE id = ?");
  mysql::bind(find, line_id);
  auto found = mysql::query(find);
  if (!found->next()) return std::nullopt;
  const auto order = load_order(session, found->getInt64("order_id"));
  if (!order) return std::nullopt;
  const LineRecord* line = nullptr;
  for (const auto& candidate : order->lines) {
    if (candidate.id == line_id) line = &candidate;
  }
  const auto* fulfilment = line ? order->fulfilment(line->fulfilment_id) : nullptr;
  if (!fulfilment) return std::nullopt;

  LineTrace result;
  result.owner = order->owner();
  result.owner.county_id = static_cast<std::uint64_t>(fulfilment->county_id);
  const bool shipped = fulfilment->shipped_at.has_value();
  boost::json::value shipment = nullptr;
  if (shipped) {
    shipment = boost::json::object{{"carrier", or_null(fulfilment->carrier)},
                                   {"tracking_number", or_null(fulfilment->tracking_number)},
                                   {"batch_number", or_null(fulfilment->batch_number)},
                                   {"shipped_at", time_or_null(fulfilment->shipped_at)}};
  }
  boost::json::value acceptance = nullptr;
  if (fulfilment->received_at || fulfilment->accepted_at) {
    acceptance =
        boost::json::object{{"received_at", time_or_null(fulfilment->received_at)},
                            {"accepted_at", time_or_null(fulfilment->accepted_at)},
                            {"accepted_quantity", or_null(line->accepted_quantity)},
                            {"accepted_weight_grams", or_null(line->accepted_weight_grams)},
                            {"accepted_amount_fen", or_null(line->accepted_amount_fen)},
                            {"reason", or_null(line->acceptance_reason)}};
  }
  result.trace = boost::json::object{
      {"line_id", line->id},
      {"order_id", order->id},
      {"fulfilment_id", fulfilment->id},
      {"fulfilment_status", fulfilment->status},
      {"sku_id", line->sku_id},
      {"product_id", line->product_id},
      {"product_title", line->product_title},
      {"sku_spec", line->sku_spec},
      {"quantity", line->quantity},
      {"supplier_id", line->supplier_id},
      {"county_id", fulfilment->county_id},
      {"ordered_at", iso_time(order->created_at)},
      {"certification",
       boost::json::object{{"certified", line->certified},
                           {"certificate_id", or_null(line->certificate_id)},
                           {"certificate_number", or_null(line->certificate_number)}}},
      {"batches", batch_parts(session, line_id)},
      {"shipment", shipment},
      {"acceptance", acceptance}};
  return result;
}

}  // namespace huicai::ordering

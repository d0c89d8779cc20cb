// The placed order's 201 is written straight to text (order_json_text); every other answer about
// an order goes through order_to_json. Both must say the same, field for field, with every
// optional field present and absent.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "order_records.hpp"

using huicai::ordering::FulfilmentRecord;
using huicai::ordering::LineRecord;
using huicai::ordering::OrderRecord;

namespace {

LineRecord line(std::int64_t id, std::int64_t fulfilment_id, bool with_optionals) {
  LineRecord line;
  line.id = id;
  line.order_id = 7;
  line.fulfilment_id = fulfilment_id;
  line.sku_id = 100 + id;
  line.product_id = 200 + id;
  line.supplier_id = 300 + fulfilment_id;
  line.county_id = 5;
  line.category_id = 6;
  line.product_title = "\"精品\" 小米 \\ 5kg/袋\n第" + std::to_string(id) + "批\x01";
  line.sku_spec = "标准装";
  line.sale_unit = "袋";
  line.net_weight_grams = 5000;
  line.quantity = 3;
  line.unit_price_fen = 1999;
  line.line_total_fen = 5997;
  line.certified = with_optionals;
  line.refunded_fen = with_optionals ? 1999 : 0;
  if (with_optionals) {
    line.certificate_id = 41;
    line.certificate_number = "扶贫认定-2026-\"041\"";
    line.campaign_id = 9;
    line.accepted_quantity = 2;
    line.accepted_weight_grams = 9800;
    line.accepted_amount_fen = 3998;
    line.acceptance_reason = "one bag torn\tin transit";
  }
  return line;
}

FulfilmentRecord fulfilment(std::int64_t id, bool with_optionals) {
  FulfilmentRecord fulfilment;
  fulfilment.id = id;
  fulfilment.order_id = 7;
  fulfilment.supplier_id = 300 + id;
  fulfilment.county_id = 5;
  fulfilment.status = with_optionals ? "accepted" : "awaiting_payment";
  fulfilment.subtotal_fen = 5997;
  fulfilment.created_at = "2026-12-06 23:02:24.234003";
  if (with_optionals) {
    fulfilment.accepted_fen = 3998;
    fulfilment.carrier = "顺丰";
    fulfilment.tracking_number = "SF1234567890";
    fulfilment.batch_number = "B-2026-11-\\03";
    fulfilment.shipped_at = "2026-12-07 08:00:00.000001";
    fulfilment.received_at = "2026-12-08 09:30:00.500000";
    fulfilment.accepted_at = "2026-12-08 10:00:00.000000";
  }
  return fulfilment;
}

OrderRecord order(bool with_optionals) {
  OrderRecord order;
  order.id = 7;
  order.buyer_account_id = 9001;
  order.buyer_kind = with_optionals ? "unit" : "employee";
  order.unit_path = with_optionals ? "1/12/" : "";
  order.status = with_optionals ? "paid" : "pending_payment";
  order.fund_plan = with_optionals ? "allowance_then_personal" : "personal";
  order.total_fen = 17991;
  order.personal_fen = with_optionals ? 7991 : 17991;
  order.allowance_fen = with_optionals ? 10000 : 0;
  order.budget_year = 2026;
  order.refunded_fen = with_optionals ? 1999 : 0;
  order.note = with_optionals ? "送到\"三号楼\" \\ 门卫\r\n" : "";
  order.version = with_optionals ? 4 : 0;
  order.created_at = "2026-12-06 23:02:24.234003";
  order.updated_at = with_optionals ? "2026-12-08 10:00:00.000000" : order.created_at;
  if (with_optionals) {
    order.unit_id = 12;
    order.paid_at = "2026-12-06 23:05:00.000000";
  } else {
    order.expires_at = "2026-12-06 23:32:24.234003";
  }
  order.fulfilments = {fulfilment(1, with_optionals), fulfilment(2, false)};
  order.lines = {line(1, 1, with_optionals), line(2, 2, false), line(3, 1, with_optionals)};
  return order;
}

}  // namespace

TEST_CASE("the placed order's text says what order_to_json says, field for field", "[ordering]") {
  for (const bool with_optionals : {false, true}) {
    const auto record = order(with_optionals);
    INFO("optional fields present: " << with_optionals);
    CHECK(huicai::ordering::order_json_text(record) ==
          boost::json::serialize(huicai::ordering::order_to_json(record)));
  }
}

// The buyer's cart: one line per SKU with a quantity. Viewing it prices every line from the
// catalog view now (prices are never stored in the cart) and says what is no longer orderable.
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "catalog_view.hpp"
#include "place_order.hpp"
#include "price_quote.hpp"
#include "service_state.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct CartQuantityBody {
  std::int64_t quantity = 0;
};
BOOST_DESCRIBE_STRUCT(CartQuantityBody, (), (quantity))

boost::json::object cart_json(mysql::Session& session, std::int64_t account_id) {
  auto& select = session.prepare(
      "SELECT c.sku_id, c.quantity, s.available FROM ordering_cart_items c LEFT JOIN "
      "ordering_stock s ON s.sku_id = c.sku_id WHERE c.account_id = ? ORDER BY c.added_at, "
      "c.sku_id");
  mysql::bind(select, account_id);
  auto rows = mysql::query(select);
  struct Item {
    std::int64_t sku_id, quantity;
    std::optional<std::int64_t> available;
  };
  std::vector<Item> items;
  while (rows->next()) {
    items.push_back({rows->getInt64("sku_id"), rows->getInt64("quantity"),
                     mysql::get_optional_int64(*rows, "available")});
  }
  boost::json::array lines;
  std::int64_t total = 0;
  std::vector<QuotedLine> quote;
  for (const auto& item : items) {
    auto sku = read_orderable_sku(session, item.sku_id);
    boost::json::object line{{"sku_id", item.sku_id}, {"quantity", item.quantity}};
    const bool orderable = sku && sku->is_orderable;
    line["orderable"] = orderable;
    line["available"] = item.available.value_or(0);
    if (sku) {
      const auto line_total_fen = line_total(sku->price_fen, item.quantity).value_or(0);
      line["product_title"] = sku->product_title;
      line["sku_spec"] = sku->sku_spec;
      line["sale_unit"] = sku->sale_unit;
      line["supplier_id"] = sku->supplier_id;
      line["supplier_name"] = sku->supplier_name;
      line["county_name"] = sku->county_name;
      line["unit_price_fen"] = sku->price_fen;
      line["line_total_fen"] = line_total_fen;
      line["certified"] = sku->certificate_id.has_value();
      if (orderable) total += line_total_fen;
      quote.push_back({item.sku_id, item.quantity, sku->price_fen, line_total_fen, orderable});
    } else {
      quote.push_back({item.sku_id, item.quantity, 0, 0, false});
    }
    lines.push_back(std::move(line));
  }
  // total_fen is what ordering the cart costs now: send it back as expected_total_fen.
  return boost::json::object{
      {"items", std::move(lines)}, {"total_fen", total}, {"price_version", price_version(quote)}};
}

}  // namespace

void add_cart_routes(http::Router& router, State state) {
  const auto rule = auth::AccessRule::roles(
      {{Role::employee, Scope::own_account}, {Role::unit_buyer, Scope::own_account}});

  router.add(
      http::Route{http::Method::get,
                  "/v1/cart",
                  "ordering",
                  rule,
                  [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                    const auto account_id = static_cast<std::int64_t>(request.caller().account_id);
                    auto cart = co_await state->context.db().run(
                        [&](mysql::Session& session) { return cart_json(session, account_id); });
                    co_return http::Response::json(200, cart);
                  },
                  {}});

  router.add(http::Route{
      http::Method::put,
      "/v1/cart/items/{sku_id}",
      "ordering",
      rule,
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto sku_id = path_id(request, "sku_id");
        const auto body = decode_json<CartQuantityBody>(request.body);
        Validator check;
        check.require(body.quantity > 0 && body.quantity <= kMaxLineQuantity, "quantity",
                      "must be between 1 and " + std::to_string(kMaxLineQuantity));
        check.throw_if_any();
        const auto account_id = static_cast<std::int64_t>(request.caller().account_id);
        auto cart = co_await state->context.db().transaction([&](mysql::Session& session) {
          auto sku = read_orderable_sku(session, sku_id);
          if (!sku || !sku->is_orderable) {
            throw http::Problem(422, "sku-not-orderable", "SKU not orderable",
                                "SKU " + std::to_string(sku_id) + " cannot be ordered now")
                .with("sku_id", sku_id);
          }
          auto& count = session.prepare(
              "SELECT COUNT(*) AS n FROM ordering_cart_items WHERE account_id = ? AND sku_id <> ?");
          mysql::bind(count, account_id, sku_id);
          auto row = mysql::query(count);
          row->next();
          if (row->getInt64("n") >= static_cast<std::int64_t>(kMaxOrderLines)) {
            throw http::Problem(409, "cart-full", "Cart full",
                                "a cart holds at most " + std::to_string(kMaxOrderLines) + " SKUs");
          }
          auto& upsert = session.prepare(
              "INSERT INTO ordering_cart_items (account_id, sku_id, quantity) VALUES (?, ?, ?) "
              "ON DUPLICATE KEY UPDATE quantity = VALUES(quantity), updated_at = NOW(6)");
          mysql::bind(upsert, account_id, sku_id, body.quantity);
          upsert.executeUpdate();
          return cart_json(session, account_id);
        });
        co_return http::Response::json(200, cart);
      },
      {}});

  router.add(
      http::Route{http::Method::delete_,
                  "/v1/cart/items/{sku_id}",
                  "ordering",
                  rule,
                  [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
                    const auto sku_id = path_id(request, "sku_id");
                    const auto account_id = static_cast<std::int64_t>(request.caller().account_id);
                    co_await state->context.db().run([&](mysql::Session& session) {
                      auto& remove = session.prepare(
                          "DELETE FROM ordering_cart_items WHERE account_id = ? AND sku_id = ?");
                      mysql::bind(remove, account_id, sku_id);
                      remove.executeUpdate();
                    });
                    co_return http::Response::empty(204);
                  },
                  {}});
}

}  // namespace huicai::ordering

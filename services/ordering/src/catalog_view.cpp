#include "catalog_view.hpp"

#include <algorithm>
#include <charconv>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

namespace huicai::ordering {

namespace {

constexpr std::size_t kMaxPricedSkus = 64;  // above an order's 50 lines

// Read by position (1-based, in this order): by-name lookups upper-case every name per row.
// Pricing leaves the names out, and with them the county's table (see 0310).
// Columns 14-16 are the holiday campaign pricing the SKU now (0320). Column 17 is ordering's
// own: whether the SKU's stock lies (partly) in harvest batches, read
// with the price (a primary-key join) so an order of SKUs without batches needs no extra round
// trip to find that out (stock_batches.hpp).
constexpr const char* kPricingColumns =
    "SELECT v.sku_id, v.product_id, v.supplier_id, v.county_id, v.category_id, "
    "v.product_title, v.sku_spec, v.sale_unit, v.net_weight_grams, v.price_fen, "
    "v.is_orderable, v.product_certificate, v.supplier_certificate, v.campaign_id, "
    "v.campaign_price_fen, v.campaign_stock_cap, "
    "COALESCE(st.batch_available + st.presale_available, 0) > 0 "
    "FROM catalog_sku_pricing v LEFT JOIN ordering_stock st ON st.sku_id = v.sku_id "
    "WHERE v.sku_id IN (?";
constexpr const char* kNamedSku =
    "SELECT sku_id, product_id, supplier_id, county_id, category_id, product_title, sku_spec, "
    "sale_unit, net_weight_grams, price_fen, is_orderable, product_certificate, "
    "supplier_certificate, campaign_id, campaign_price_fen, campaign_stock_cap, supplier_name, "
    "county_name FROM catalog_sku_pricing WHERE sku_id = ?";

OrderableSku read_pricing_row(sql::ResultSet& row);

// The pricing SELECT for `size` ids (a power of two), its text built once per size.
const std::string& pricing_sql(std::size_t size) {
  static const auto texts = [] {
    std::map<std::size_t, std::string> built;
    for (std::size_t n = 1; n < 2 * kMaxPricedSkus; n *= 2) {
      std::string sql = kPricingColumns;
      for (std::size_t i = 1; i < n; ++i) sql += ", ?";
      built.emplace(n, sql + ")");
    }
    return built;
  }();
  return texts.at(size);
}

}  // namespace

std::optional<PricingCertificate> parse_pricing_certificate(std::string_view text) {
  constexpr std::size_t kDate = 10;  // YYYY-MM-DD
  if (text.size() < kDate + 2 || text[kDate] != ' ') return std::nullopt;
  PricingCertificate certificate;
  certificate.valid_to = std::string(text.substr(0, kDate));
  const auto rest = text.substr(kDate + 1);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + space, certificate.id);
  if (error != std::errc{} || end != rest.data() + space) return std::nullopt;
  certificate.number = std::string(rest.substr(space + 1));
  return certificate;
}

const std::optional<PricingCertificate>& later_certificate(
    const std::optional<PricingCertificate>& product,
    const std::optional<PricingCertificate>& supplier) {
  if (!product) return supplier;
  if (!supplier) return product;
  // The same date format on both sides: text order is date order.
  if (product->valid_to != supplier->valid_to) {
    return product->valid_to > supplier->valid_to ? product : supplier;
  }
  return product->id > supplier->id ? product : supplier;
}

std::optional<OrderableSku> read_orderable_sku(mysql::Session& session, std::int64_t sku_id) {
  static const std::string sql = kNamedSku;
  auto& select = session.prepare(sql);
  mysql::bind(select, sku_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  auto sku = read_pricing_row(*row);
  sku.supplier_name = std::string(row->getString(17));
  sku.county_name = std::string(row->getString(18));
  return sku;
}

std::map<std::int64_t, OrderableSku> read_orderable_skus(mysql::Session& session,
                                                         const std::vector<std::int64_t>& sku_ids) {
  std::map<std::int64_t, OrderableSku> skus;
  if (sku_ids.empty()) return skus;
  // The IN list is padded to a power of two (repeating the last id), so a connection caches a
  // handful of statement texts rather than one per line count.
  std::size_t size = 1;
  while (size < sku_ids.size()) size *= 2;
  auto& select = session.prepare(pricing_sql(size));
  for (std::size_t i = 0; i < size; ++i) {
    mysql::bind_one(select, static_cast<int>(i + 1), sku_ids[std::min(i, sku_ids.size() - 1)]);
  }
  auto rows = mysql::query(select);
  while (rows->next()) {
    auto sku = read_pricing_row(*rows);
    sku.stock_in_batches = rows->getInt(17) != 0;
    skus.emplace(sku.sku_id, std::move(sku));
  }
  return skus;
}

namespace {

// Column `index` of catalog_sku_pricing's certificate text, nullopt when NULL.
std::optional<PricingCertificate> certificate_column(sql::ResultSet& row, std::uint32_t index) {
  const auto text = row.getString(index);
  if (row.wasNull()) return std::nullopt;
  auto certificate = parse_pricing_certificate(std::string_view(text.c_str(), text.length()));
  if (!certificate) {
    throw std::runtime_error("catalog_sku_pricing: unexpected certificate text '" +
                             std::string(text) + "'");
  }
  return certificate;
}

OrderableSku read_pricing_row(sql::ResultSet& row) {
  OrderableSku sku;
  sku.sku_id = row.getInt64(1);
  sku.product_id = row.getInt64(2);
  sku.supplier_id = row.getInt64(3);
  sku.county_id = row.getInt64(4);
  sku.category_id = row.getInt64(5);
  sku.product_title = std::string(row.getString(6));
  sku.sku_spec = std::string(row.getString(7));
  sku.sale_unit = std::string(row.getString(8));
  sku.net_weight_grams = row.getInt64(9);
  sku.price_fen = row.getInt64(10);
  sku.list_price_fen = sku.price_fen;
  sku.is_orderable = row.getInt(11) != 0;
  const auto product = certificate_column(row, 12);
  const auto supplier = certificate_column(row, 13);
  if (const auto& certificate = later_certificate(product, supplier)) {
    sku.certificate_id = certificate->id;
    sku.certificate_number = certificate->number;
  }
  // A campaign window holds the SKU now: its price is the campaign's (columns 14-16), unless the
  // supplier has since priced the SKU itself at or below it (then the campaign does not apply).
  const auto campaign_id = row.getInt64(14);
  if (!row.wasNull() && row.getInt64(15) < sku.list_price_fen) {
    sku.campaign_id = campaign_id;
    sku.price_fen = row.getInt64(15);
    sku.campaign_stock_cap = row.getInt64(16);
  }
  return sku;
}

}  // namespace

}  // namespace huicai::ordering

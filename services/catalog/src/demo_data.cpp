// Loads the demo catalog (demo_catalog.cpp) idempotently: every row is looked up by its natural
// key first (county code, category code, supplier county+name, product supplier+title,
// certificate issuing body+number) and only created when missing. Everything derived from the
// data is computed, not random: the same run gives the same titles, prices and ids.
//
// Demo counties and suppliers get fixed ids below 1000 (runtime rows start at 1000), because
// identity's demo accounts name county 1 (米脂县) and supplier 1 (a 米脂 cooperative); see
// docs/demo-accounts.md.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <huicai/catalog/browse_cache.hpp>
#include <huicai/catalog/service.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <map>
#include <thread>

#include "bank_account_changes.hpp"
#include "category_repository.hpp"
#include "certification_repository.hpp"
#include "county_repository.hpp"
#include "demo_attributes.hpp"
#include "demo_campaigns.hpp"
#include "demo_catalog.hpp"
#include "product_repository.hpp"
#include "supplier_repository.hpp"

namespace huicai::catalog {
namespace {

void load_counties(mysql::Session& session) {
  for (const auto& county : demo::counties()) {
    if (find_county_id_by_code(session, std::string(county.code))) continue;
    CountyFields fields;
    fields.code = std::string(county.code);
    fields.name = std::string(county.name);
    fields.province = std::string(county.province);
    fields.prefecture = std::string(county.prefecture);
    fields.assistance_kind = std::string(county.assistance_kind);
    fields.deep_poverty = county.deep_poverty;
    fields.listed_supervision = county.listed_supervision;
    fields.old_revolutionary_area = county.old_revolutionary_area;
    fields.paired_org_unit_code = std::string(county.paired_org_unit_code);
    insert_county(session, fields, county.id);
  }
}

std::map<std::string, std::int64_t> load_categories(mysql::Session& session) {
  std::map<std::string, std::int64_t> ids;
  int position = 0;
  for (const auto& category : demo::categories()) {
    ++position;
    if (auto existing = find_category_by_code(session, std::string(category.code))) {
      ids[std::string(category.code)] = existing->id;
      continue;
    }
    std::optional<std::int64_t> parent_id;
    std::string path = "/";
    if (!category.parent_code.empty()) {
      auto parent = find_category(session, ids.at(std::string(category.parent_code)));
      parent_id = parent->id;
      path = parent->path;
    }
    path += std::string(category.code) + "/";
    ids[std::string(category.code)] = insert_category(
        session, parent_id, std::string(category.code), std::string(category.name), path, position);
  }
  return ids;
}

void load_supplier(mysql::Session& session, const demo::Supplier& supplier) {
  if (find_supplier_id(session, supplier.county_id, std::string(supplier.name))) return;
  SupplierFields fields;
  fields.name = std::string(supplier.name);
  fields.kind = std::string(supplier.kind);
  fields.county_id = supplier.county_id;
  fields.credit_code = std::string(supplier.credit_code);
  fields.contact_name = std::string(supplier.contact_name);
  fields.contact_phone = std::string(supplier.contact_phone);
  fields.bank_name = std::string(supplier.bank_name);
  fields.bank_account_name = std::string(supplier.name);
  fields.bank_account_number = std::string(supplier.bank_account_number);
  insert_supplier(session, fields, std::string(supplier.status), 0, supplier.id);
  // Demo data is reviewed as code: its accounts are loaded as confirmed.
  set_confirmed_bank_account(
      session, supplier.id,
      {fields.bank_name, fields.bank_account_name, fields.bank_account_number});
}

std::string county_name(std::int64_t county_id) {
  for (const auto& county : demo::counties()) {
    if (county.id == county_id) return std::string(county.name);
  }
  return {};
}
std::string county_code(std::int64_t county_id) {
  for (const auto& county : demo::counties()) {
    if (county.id == county_id) return std::string(county.code);
  }
  return {};
}

void ensure_certification(mysql::Session& session, const std::string& scope, std::int64_t target_id,
                          std::int64_t county_id, const std::string& number,
                          const std::string& from, const std::string& to) {
  const auto issuing_body = county_name(county_id) + "乡村振兴局";
  if (find_certification_id(session, issuing_body, number)) return;
  CertificationFields fields{number, issuing_body, scope, target_id, from, to};
  insert_certification(session, fields, county_id, 0);
}

// The products of one supplier: about three in four of its county's templates, titled with
// the supplier's brand, prices varied a little per supplier, all listed.
int load_products(mysql::Session& session, const demo::Supplier& supplier, int rank_in_county,
                  const std::map<std::string, std::int64_t>& category_ids, int& sequence) {
  int created = 0;
  int template_index = -1;
  for (const auto& product : demo::product_templates()) {
    if (product.county_id != supplier.county_id) continue;
    ++template_index;
    ++sequence;
    if ((template_index + rank_in_county + 1) % 4 == 0) continue;
    const std::string title = std::string(supplier.brand) + " " + std::string(product.title);
    if (auto existing = find_product_id(session, supplier.id, title)) {
      // Loaded by an earlier run, maybe one from before attributes: fill what is missing.
      demo::fill_sku_attributes(session, *existing, product.category_code, supplier,
                                rank_in_county);
      continue;
    }
    ProductFields fields;
    fields.title = title;
    fields.description = std::string(product.description) + "产地：" +
                         county_name(supplier.county_id) + "，" + std::string(supplier.name) +
                         "供货。";
    fields.category_id = category_ids.at(std::string(product.category_code));
    fields.image_urls =
        std::vector<std::string>{"https://img.huicai.dev/demo/" + std::to_string(supplier.id) +
                                     "/" + std::to_string(template_index) + "-1.jpg",
                                 "https://img.huicai.dev/demo/" + std::to_string(supplier.id) +
                                     "/" + std::to_string(template_index) + "-2.jpg"};
    for (std::size_t k = 0; k < product.skus.size(); ++k) {
      const auto& sku = product.skus[k];
      SkuFields sku_fields;
      sku_fields.spec = std::string(sku.spec);
      sku_fields.sale_unit = std::string(sku.sale_unit);
      sku_fields.net_weight_grams = sku.net_weight_grams;
      // Suppliers differ by up to ±6%, rounded to whole 角, ending in the customary 8 or 0.
      const std::int64_t varied = sku.price_fen * (97 + 3 * rank_in_county) / 100;
      sku_fields.price_fen = std::max<std::int64_t>(10, varied / 10 * 10);
      // 比质比价: a market reference 8% above, except one product per county priced above it.
      const bool above = template_index == 1 && rank_in_county == 1;
      sku_fields.market_reference_price_fen =
          above ? *sku_fields.price_fen * 95 / 100 : *sku_fields.price_fen * 108 / 100;
      fields.skus.push_back(std::move(sku_fields));
    }
    const auto product_id = insert_product(session, supplier.id, supplier.county_id, fields, 0);
    demo::fill_sku_attributes(session, product_id, product.category_code, supplier, rank_in_county);
    // Sales are not invented: sales_count counts real orders (sales_counter.cpp), e.g. those
    // of `huicai demo-history` (deploy/demo_history.py).
    auto& list = session.prepare(
        "UPDATE catalog_products SET status = 'listed', "
        "listed_at = TIMESTAMP('2026-01-05 08:00:00') + INTERVAL ? MINUTE WHERE id = ?");
    mysql::bind(list, static_cast<std::int64_t>(sequence * 7 + supplier.id), product_id);
    list.executeUpdate();
    // The first product of each supplier also carries a product-scope certificate.
    if (created == 0) {
      ensure_certification(
          session, "product", product_id, supplier.county_id,
          "XFBF-P-" + county_code(supplier.county_id) + "-" + std::to_string(product_id),
          "2021-01-01", "2028-06-30");
    }
    ++created;
  }
  return created;
}

void bump_cache_version(app::Context& context) {
  // Best effort: a running server must not keep serving pages from before the load.
  try {
    auto done = boost::asio::co_spawn(
        context.io(),
        [&context]() -> boost::asio::awaitable<void> {
          if (!co_await BrowseCache::bump_version(context.redis())) {
            log::warn("catalog demo: Redis did not take the cache version bump");
          }
        },
        boost::asio::use_future);
    done.wait_for(std::chrono::seconds(5));
    // Like any catalog write (BrowseCache::changed): done only once the leases other
    // processes hold on the old version have run out.
    std::this_thread::sleep_for(VersionLease::writer_wait(context.config().catalog_version_lease));
  } catch (const std::exception& error) {
    log::warn("catalog demo: cache version not bumped", {{"error", error.what()}});
  }
}

}  // namespace

void load_demo_data(app::Context& context) {
  auto& pool = context.db();
  auto category_ids = pool.run_blocking(
      [](mysql::Session& session) {
        load_counties(session);
        auto ids = load_categories(session);
        demo::load_attributes(session, ids);
        return ids;
      },
      true);
  std::map<std::int64_t, int> rank_in_county;
  int products = 0;
  int sequence = 0;
  for (const auto& supplier : demo::suppliers()) {
    const int rank = rank_in_county[supplier.county_id]++;
    products += pool.run_blocking(
        [&](mysql::Session& session) {
          load_supplier(session, supplier);
          if (supplier.status != "active") return 0;
          // Supplier-wide certificates since 2021 (the demo history's purchases count from
          // then); every tenth supplier's has lapsed (not certified now).
          const bool lapsed = supplier.id % 10 == 5;
          ensure_certification(
              session, "supplier", supplier.id, supplier.county_id,
              "XFBF-S-" + county_code(supplier.county_id) + "-" + std::to_string(supplier.id),
              "2021-01-01", lapsed ? "2024-12-31" : "2027-12-31");
          int local_sequence = sequence;
          const int created = load_products(session, supplier, rank, category_ids, local_sequence);
          return created;
        },
        true);
    sequence += 16;
  }
  pool.run_blocking([](mysql::Session& session) { demo::load_campaigns(session); }, true);
  bump_cache_version(context);
  log::info("catalog demo data loaded", {{"counties", demo::counties().size()},
                                         {"suppliers", demo::suppliers().size()},
                                         {"products_created", products}});
}

}  // namespace huicai::catalog

// docs/openapi.yaml and the routes agree, for every service linked into this binary: each
// registered (method, pattern) is documented and each documented operation is registered.
// The document is read line by line (see its header comment for the shape this relies on).
#include <huicai/core/http/router.hpp>

#include "test_app.hpp"

#if __has_include(<huicai/identity/service.hpp>)
#include <huicai/identity/service.hpp>
#define HUICAI_TEST_IDENTITY 1
#endif
#if __has_include(<huicai/catalog/service.hpp>)
#include <huicai/catalog/service.hpp>
#define HUICAI_TEST_CATALOG 1
#endif
#if __has_include(<huicai/ordering/service.hpp>)
#include <huicai/ordering/service.hpp>
#define HUICAI_TEST_ORDERING 1
#endif
#if __has_include(<huicai/settlement/service.hpp>)
#include <huicai/settlement/service.hpp>
#define HUICAI_TEST_SETTLEMENT 1
#endif
#if __has_include(<huicai/aidstats/service.hpp>)
#include <huicai/aidstats/service.hpp>
#define HUICAI_TEST_AIDSTATS 1
#endif

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

std::vector<huicai::app::ServiceEntry> every_linked_service() {
  std::vector<huicai::app::ServiceEntry> services;
#ifdef HUICAI_TEST_IDENTITY
  services.push_back(huicai::identity::service_entry());
#endif
#ifdef HUICAI_TEST_CATALOG
  services.push_back(huicai::catalog::service_entry());
#endif
#ifdef HUICAI_TEST_ORDERING
  services.push_back(huicai::ordering::service_entry());
#endif
#ifdef HUICAI_TEST_SETTLEMENT
  services.push_back(huicai::settlement::service_entry());
#endif
#ifdef HUICAI_TEST_AIDSTATS
  services.push_back(huicai::aidstats::service_entry());
#endif
  return services;
}

// "GET /v1/products/{product_id}" for each operation under `paths:`.
std::set<std::string> documented_operations(const std::string& file) {
  std::ifstream in(file);
  REQUIRE(in.good());
  std::set<std::string> operations;
  std::string line;
  std::string current_path;
  bool in_paths = false;
  static const std::set<std::string> methods = {"get",    "post", "put",    "patch",
                                                "delete", "head", "options"};
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (line[0] != ' ') {  // a top-level key
      in_paths = line == "paths:";
      current_path.clear();
      continue;
    }
    if (!in_paths) continue;
    if (line.rfind("  /", 0) == 0 && line.back() == ':') {
      current_path = line.substr(2, line.size() - 3);
      continue;
    }
    if (line.rfind("    ", 0) == 0 && line.size() > 5 && line[4] != ' ' && line.back() == ':') {
      const auto method = line.substr(4, line.size() - 5);
      if (methods.count(method) && !current_path.empty()) {
        std::string upper = method;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        operations.insert(upper + " " + current_path);
      }
    }
  }
  return operations;
}

std::string join(const std::set<std::string>& items) {
  std::ostringstream out;
  for (const auto& item : items) out << "\n  " << item;
  return out.str();
}

}  // namespace

TEST_CASE("docs/openapi.yaml documents exactly the registered routes", "[openapi]") {
  huicai::test::TestApp app(every_linked_service());
  std::set<std::string> registered;
  for (const auto& route : app.application().router().routes()) {
    std::string method(huicai::http::to_string(route.method));
    std::transform(method.begin(), method.end(), method.begin(), ::toupper);
    registered.insert(method + " " + route.pattern);
  }
  const auto documented =
      documented_operations(std::string(HUICAI_SOURCE_DIR) + "/docs/openapi.yaml");
  REQUIRE_FALSE(registered.empty());

  std::set<std::string> undocumented;
  std::set_difference(registered.begin(), registered.end(), documented.begin(), documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set<std::string> unregistered;
  std::set_difference(documented.begin(), documented.end(), registered.begin(), registered.end(),
                      std::inserter(unregistered, unregistered.end()));
  INFO("registered but missing from docs/openapi.yaml:" << join(undocumented));
  INFO("in docs/openapi.yaml but not registered:" << join(unregistered));
  CHECK(undocumented.empty());
  CHECK(unregistered.empty());
}

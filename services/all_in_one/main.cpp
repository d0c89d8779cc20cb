// The all-in-one host: every service in one process
// (`huicai serve|migrate|seed|config|reconcile|aidstats-rebuild`).
#include <huicai/core/app/application.hpp>

#if HUICAI_WITH_IDENTITY
#include <huicai/identity/service.hpp>
#endif
#if HUICAI_WITH_CATALOG
#include <huicai/catalog/service.hpp>
#endif
#if HUICAI_WITH_ORDERING
#include <huicai/ordering/service.hpp>
#endif
#if HUICAI_WITH_SETTLEMENT
#include <huicai/settlement/service.hpp>
#endif
#if HUICAI_WITH_AIDSTATS
#include <huicai/aidstats/service.hpp>
#endif

int main(int argc, char** argv) {
  std::vector<huicai::app::ServiceEntry> services;
#if HUICAI_WITH_IDENTITY
  services.push_back(huicai::identity::service_entry());
#endif
#if HUICAI_WITH_CATALOG
  services.push_back(huicai::catalog::service_entry());
#endif
#if HUICAI_WITH_ORDERING
  services.push_back(huicai::ordering::service_entry());
#endif
#if HUICAI_WITH_SETTLEMENT
  services.push_back(huicai::settlement::service_entry());
#endif
#if HUICAI_WITH_AIDSTATS
  services.push_back(huicai::aidstats::service_entry());
#endif
  return huicai::app::main_entry(argc, argv, std::move(services));
}

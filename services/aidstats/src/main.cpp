// The aid totals service on its own (`huicai-aidstats serve|migrate|config|aidstats-rebuild`).
#include <huicai/aidstats/service.hpp>
#include <huicai/core/app/application.hpp>

int main(int argc, char** argv) {
  return huicai::app::main_entry(argc, argv, {huicai::aidstats::service_entry()});
}

// The settlement service on its own (`huicai-settlement serve|migrate|config|reconcile`).
#include <huicai/core/app/application.hpp>
#include <huicai/settlement/service.hpp>

int main(int argc, char** argv) {
  return huicai::app::main_entry(argc, argv, {huicai::settlement::service_entry()});
}

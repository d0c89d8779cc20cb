// The ordering service on its own (`huicai-ordering serve|migrate|seed|config`).
#include <huicai/core/app/application.hpp>
#include <huicai/ordering/service.hpp>

int main(int argc, char** argv) {
  return huicai::app::main_entry(argc, argv, {huicai::ordering::service_entry()});
}

// The catalog service on its own (`huicai-catalog serve|migrate|seed|config`).
#include <huicai/catalog/service.hpp>
#include <huicai/core/app/application.hpp>

int main(int argc, char** argv) {
  return huicai::app::main_entry(argc, argv, {huicai::catalog::service_entry()});
}

// The identity service on its own (`huicai-identity serve|migrate|seed|config`).
#include <huicai/core/app/application.hpp>
#include <huicai/identity/service.hpp>

int main(int argc, char** argv) {
  return huicai::app::main_entry(argc, argv, {huicai::identity::service_entry()});
}

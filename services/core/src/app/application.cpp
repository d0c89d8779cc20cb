// Application: the public face of the runtime in context_impl.cpp. `migrate` lives in
// migrate.cpp, next to the MySQL code it drives.
#include <huicai/core/app/application.hpp>

#include "app/context_impl.hpp"

namespace huicai::app {

struct Application::Impl {
  Impl(Config config, std::vector<ServiceEntry> services)
      : context(std::move(config), std::move(services)) {}
  ContextImpl context;
};

Application::Application(Config config, std::vector<ServiceEntry> services)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(services))) {}

Application::~Application() = default;

void Application::start() {
  impl_->context.start();
}
std::uint16_t Application::port() const {
  return impl_->context.port();
}
int Application::run(bool handle_signals) {
  return impl_->context.run(handle_signals);
}
void Application::request_stop() {
  impl_->context.request_stop();
}
Context& Application::context() {
  return impl_->context;
}
const http::Router& Application::router() const {
  return impl_->context.router();
}
int Application::load_demo_data() {
  return impl_->context.load_demo_data();
}

}  // namespace huicai::app

#include "test_app.hpp"

namespace huicai::test {

TestApp::TestApp(std::vector<app::ServiceEntry> services, std::function<void(Config&)> adjust)
    : config_(Config::from_environment()) {
  config_.http_port = 0;
  config_.http_address = "127.0.0.1";
  if (adjust) adjust(config_);
  application_ = std::make_unique<app::Application>(config_, std::move(services));
  application_->start();
  port_ = application_->port();
  thread_ = std::thread([this] { application_->run(false); });
}

TestApp::~TestApp() {
  application_->request_stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace huicai::test

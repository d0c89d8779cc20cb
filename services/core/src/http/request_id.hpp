#pragma once
// Request ids: a client's X-Request-Id is kept when it is short and plain (so ids can be traced
// across a gateway); anything else is replaced, since it ends up in log lines.

#include <string>
#include <string_view>

namespace huicai::http {

bool is_sane_request_id(std::string_view id);
std::string generate_request_id();  // 32 lower-case hex digits

}  // namespace huicai::http

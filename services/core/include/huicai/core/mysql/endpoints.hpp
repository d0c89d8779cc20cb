#pragma once
// The MySQL/MariaDB servers a pool may connect to: the one of HUICAI_MYSQL_HOST/PORT first, then
// the fallbacks of HUICAI_MYSQL_FALLBACK_HOSTS ("host:port,host:port"), for a Galera cluster
// whose nodes all take writes (deploy/multinode.sh, docs/scale-out.md). A connection that cannot
// reach its server tries the next one in the list; see PooledConnection::open().

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::mysql {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
};

// "host:port" entries separated by commas (spaces around them ignored); empty text: none.
// Throws std::invalid_argument naming the entry that is not host:port with a port 1-65535.
std::vector<Endpoint> parse_endpoints(std::string_view text);

}  // namespace huicai::mysql

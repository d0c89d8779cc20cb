#pragma once
// The Connector/C++ driver singleton. get_driver_instance() initialises the client library and
// is not thread-safe, so it must run once before any thread opens a connection. The Pool
// constructor calls initialize_driver(); a main may call it earlier. Safe to call repeatedly
// and from several threads (std::call_once inside).

namespace sql {
class Driver;
}

namespace huicai::mysql {

sql::Driver& initialize_driver();

}  // namespace huicai::mysql

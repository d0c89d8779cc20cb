#pragma once
// A response body kept in an unlinked temporary file. Exports write their rows into it as they
// read them from the database, and the server sends it in chunks, so a large export holds a
// chunk in memory, not the whole document. The file disappears with the last reference.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace huicai::http {

class BodyFile {
 public:
  // An anonymous file in $TMPDIR (or /tmp). Throws std::system_error when none can be made.
  static std::shared_ptr<BodyFile> create();
  // Takes over the file a library wrote at `path` (an XLSX writer), and unlinks the name.
  static std::shared_ptr<BodyFile> adopt(const std::string& path);
  // A path for such a library to write to, unique, in the same directory.
  static std::string temporary_path(std::string_view suffix);

  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  ~BodyFile();

  void append(std::string_view bytes);  // buffered; throws std::system_error on a write error
  void flush();
  std::uint64_t size() const { return size_; }  // bytes appended (flushed or not)
  // Up to `capacity` bytes from `offset` (after flush()); 0 at the end.
  std::size_t read_at(std::uint64_t offset, char* out, std::size_t capacity) const;

 private:
  explicit BodyFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  int fd_;
  std::uint64_t size_;
  std::string pending_;
};

}  // namespace huicai::http

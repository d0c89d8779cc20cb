#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <huicai/core/http/body_file.hpp>
#include <system_error>

namespace huicai::http {
namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::string temporary_directory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

std::shared_ptr<BodyFile> BodyFile::create() {
  const std::string dir = temporary_directory();
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {  // a file system without O_TMPFILE: a named file, unlinked at once
    std::string path = dir + "/huicai-body-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) fail("creating a temporary response file");
    ::unlink(path.c_str());
  }
  return std::shared_ptr<BodyFile>(new BodyFile(fd, 0));
}

std::shared_ptr<BodyFile> BodyFile::adopt(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("opening a written response file");
  ::unlink(path.c_str());
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    fail("measuring a written response file");
  }
  return std::shared_ptr<BodyFile>(new BodyFile(fd, static_cast<std::uint64_t>(info.st_size)));
}

std::string BodyFile::temporary_path(std::string_view suffix) {
  static std::atomic<std::uint64_t> counter{0};
  return temporary_directory() + "/huicai-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + std::string(suffix);
}

BodyFile::~BodyFile() {
  ::close(fd_);
}

void BodyFile::append(std::string_view bytes) {
  pending_.append(bytes);
  size_ += bytes.size();
  if (pending_.size() >= kFlushAt) flush();
}

void BodyFile::flush() {
  std::size_t written = 0;
  while (written < pending_.size()) {
    const auto count = ::write(fd_, pending_.data() + written, pending_.size() - written);
    if (count < 0) {
      if (errno == EINTR) continue;
      fail("writing a temporary response file");
    }
    written += static_cast<std::size_t>(count);
  }
  pending_.clear();
}

std::size_t BodyFile::read_at(std::uint64_t offset, char* out, std::size_t capacity) const {
  for (;;) {
    const auto count = ::pread(fd_, out, capacity, static_cast<off_t>(offset));
    if (count >= 0) return static_cast<std::size_t>(count);
    if (errno != EINTR) fail("reading a temporary response file");
  }
}

}  // namespace huicai::http

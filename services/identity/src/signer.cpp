#include "signer.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace huicai::identity {

static_assert(crypto_auth_KEYBYTES == 32, "Signer::key_ holds a crypto_auth key");

std::string base64url(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

Signer::Signer(const std::string& secret, std::string_view label) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  crypto_generichash(key_.data(), key_.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     reinterpret_cast<const unsigned char*>(label.data()), label.size());
}

std::string Signer::sign(std::string_view payload) const {
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
              key_.data());
  return base64url(payload) + "." +
         base64url(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

std::optional<std::string> Signer::open(std::string_view note) const {
  const auto dot = note.find('.');
  if (dot == std::string_view::npos || note.size() > 2048) return std::nullopt;
  auto payload = from_base64url(note.substr(0, dot));
  auto mac = from_base64url(note.substr(dot + 1));
  if (!payload || !mac || mac->size() != crypto_auth_BYTES) return std::nullopt;
  if (crypto_auth_verify(reinterpret_cast<const unsigned char*>(mac->data()),
                         reinterpret_cast<const unsigned char*>(payload->data()), payload->size(),
                         key_.data()) != 0) {
    return std::nullopt;
  }
  return payload;
}

}  // namespace huicai::identity

#include <huicai/catalog/price_check.hpp>

namespace huicai::catalog {

std::int64_t margin_basis_points(std::int64_t price_fen, std::int64_t reference_fen) {
  // Prices are capped at 10^7 fen, so the product stays far below 2^63.
  return (price_fen - reference_fen) * 10'000 / reference_fen;
}

bool exceeds_margin(std::int64_t price_fen, std::optional<std::int64_t> reference_fen,
                    std::int64_t allowed_bp) {
  if (!reference_fen || *reference_fen <= 0) return false;
  return price_fen * 10'000 > *reference_fen * (10'000 + allowed_bp);
}

}  // namespace huicai::catalog

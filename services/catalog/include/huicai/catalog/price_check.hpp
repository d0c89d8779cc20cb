#pragma once
// 比质比价 arithmetic, in integer fen and basis points (no floating point on money): how far a
// price is above its market reference, and whether that is beyond the allowed margin.

#include <cstdint>
#include <optional>

namespace huicai::catalog {

// (price - reference) / reference in basis points, rounded towards zero (2000 = 20 % above;
// negative when below). reference > 0.
std::int64_t margin_basis_points(std::int64_t price_fen, std::int64_t reference_fen);

// Whether the price is above the reference by more than `allowed_bp` basis points, exactly:
// price * 10000 > reference * (10000 + allowed). No reference: never.
bool exceeds_margin(std::int64_t price_fen, std::optional<std::int64_t> reference_fen,
                    std::int64_t allowed_bp);

}  // namespace huicai::catalog

#pragma once
// Reserved-share compliance (预留份额) as pure arithmetic, so the routes, the rankings and the
// tests compute the same numbers. A unit files its yearly procurement base and the ratio of it
// reserved for aid products; its target is base × ratio. A purchase counts toward the filing of
// the nearest unit at or above the buying unit that filed one for the year, so no purchase
// counts twice when a subsidiary and its canteen both file; purchases of units with no filing
// above them count toward none. Money is int64 fen; ratios and compliance are basis points
// (10000 = 100 %), rounded down.
#include <cstdint>
#include <string>
#include <vector>

namespace huicai::aidstats {

inline constexpr std::int64_t kFullRatio = 10000;  // basis points in 100 %

// base × ratio / 10000, rounded down to the fen (128-bit product).
std::int64_t target_fen(std::int64_t base_fen, std::int64_t ratio_basis_points);

// purchased ÷ target in basis points, rounded down; 10000 (met) when the target is 0.
std::int64_t compliance_basis_points(std::int64_t purchased_fen, std::int64_t target_fen);

struct PathAmount {
  std::string unit_path;  // identity's materialized path, "/1/4/17/"
  std::int64_t amount_fen = 0;
};

// For each filed unit (its path, in `filed_paths` order), the sum of the purchases whose buying
// unit has it as the nearest filed unit at or above it.
std::vector<std::int64_t> attribute_purchases(const std::vector<std::string>& filed_paths,
                                              const std::vector<PathAmount>& purchases);

}  // namespace huicai::aidstats

// Reserved-share arithmetic (huicai/aidstats/compliance.hpp).
#include <huicai/aidstats/compliance.hpp>

namespace huicai::aidstats {

__extension__ using Wide = __int128;  // base × ratio of a large base overflows nothing here

std::int64_t target_fen(std::int64_t base_fen, std::int64_t ratio_basis_points) {
  return static_cast<std::int64_t>(static_cast<Wide>(base_fen) * ratio_basis_points / kFullRatio);
}

std::int64_t compliance_basis_points(std::int64_t purchased_fen, std::int64_t target) {
  if (target <= 0) return kFullRatio;
  return static_cast<std::int64_t>(static_cast<Wide>(purchased_fen) * kFullRatio / target);
}

std::vector<std::int64_t> attribute_purchases(const std::vector<std::string>& filed_paths,
                                              const std::vector<PathAmount>& purchases) {
  std::vector<std::int64_t> attributed(filed_paths.size(), 0);
  for (const auto& purchase : purchases) {
    // The nearest filed unit at or above the buyer: the longest filed path that prefixes it.
    std::size_t best = filed_paths.size();
    for (std::size_t i = 0; i < filed_paths.size(); ++i) {
      if (!purchase.unit_path.starts_with(filed_paths[i])) continue;
      if (best == filed_paths.size() || filed_paths[i].size() > filed_paths[best].size()) best = i;
    }
    if (best != filed_paths.size()) attributed[best] += purchase.amount_fen;
  }
  return attributed;
}

}  // namespace huicai::aidstats

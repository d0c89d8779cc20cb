#pragma once
// The demo's holiday campaigns (issue 15): the three occasions of the source — 中秋 (Mid-Autumn),
// 扶贫日 (17 October, National Poverty Relief Day) and 春节 (Spring Festival) — on their real
// dates of the coming season, each featuring demo products at a campaign price with a stock
// cap. Created through the repository's create_campaign like an operator's POST /v1/campaigns,
// once (looked up by code). Upcoming, so the demo history (which ends last month) is not priced
// by them.

#include <huicai/core/mysql/pool.hpp>

namespace huicai::catalog::demo {

void load_campaigns(mysql::Session& session);

}  // namespace huicai::catalog::demo

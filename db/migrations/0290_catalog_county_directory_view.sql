-- Read-only view catalog publishes of its counties, for services that name or check a county
-- (the aid totals: county names on breakdowns and rankings, 404 for an unknown county). Only
-- catalog writes catalog_counties. Do not change the columns of this view: add a new view.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW catalog_county_directory AS
SELECT c.id AS county_id,
       c.code,
       c.name,
       c.province,
       c.prefecture,
       c.paired_org_unit_id
FROM catalog_counties c;

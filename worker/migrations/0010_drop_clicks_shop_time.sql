-- clicks_shop_time (shop_id, created_at), from 0001: no query reads it any more. The shop's figures
-- come from the rollups (funnel_hourly, referrer_daily, 0008), attribution from the shop object's own
-- copy of its clicks, and the retention prune searches clicks_personal_data (0004), which has the
-- same columns and holds only the clicks it has to visit. One index row fewer written (and billed by
-- D1) with every click.
DROP INDEX IF EXISTS clicks_shop_time;

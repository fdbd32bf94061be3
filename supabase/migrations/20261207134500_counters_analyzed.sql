-- Statistics for the counter tables after the one-row writer's migrations: rewriting
-- seller_view_counts (its generated rank_bucket column written again) reset them, and the per-product
-- counters are new. A hosted `supabase db push` never analyzes; without statistics the planner may scan a
-- period instead of using the primary key in the triggers' lookups.
analyze public.seller_view_counts, public.product_view_totals, public.product_view_days;

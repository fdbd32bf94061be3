-- product_views_viewed_at_product_idx served get_trending_products while it read a window of
-- product_views; trending now reads the per-day rollup (product_view_days, by its day index), and no
-- other query filters product_views by viewed_at. Every counted view paid for this index: dropped
-- (Supabase's advisors, lint 0005 unused_index; the other indexes are explained in supabase/README.md).
drop index public.product_views_viewed_at_product_idx;

-- The seller dashboard's series and best products, the inbox behind "unread messages", and trending
-- products. get_seller_dashboard() itself stays where it is (SQL redefines it for moderation).
--
-- None takes a user id: the caller is auth.uid(). Functions that count product_views (which no API
-- role may read: it holds who viewed what) are `security definer` with `search_path = ''` and show
-- only counts; everything else is `security invoker`, so RLS applies as for plain SQL.
-- Errors: PT401 signed out, PT404 not visible, 22023 bad parameter (as in the product functions).

-- ---------------------------------------------------------------------------------------------
-- get_seller_monthly_stats: the caller's sales and views per UTC month, the last p_months months
-- (the current one last), months without activity included as zeros. Read from the leaderboard
-- cache (a seller's views are the sum of their counter slots), so it agrees with the boards.
-- ---------------------------------------------------------------------------------------------
create function public.get_seller_monthly_stats(p_months integer default 12)
  returns table (year integer, month integer, items_sold integer, total_views integer)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := auth.uid();
  v_first constant date := (date_trunc('month', now() at time zone public.leaderboard_time_zone()))::date;
begin
  if v_user is null then
    raise exception 'sign in to see your dashboard' using errcode = 'PT401';
  end if;
  if p_months is null or p_months not between 1 and 120 then
    raise exception 'p_months must be between 1 and 120 (got %)', coalesce(p_months::text, 'null') using errcode = '22023';
  end if;
  return query
  select extract(year from m.d)::integer, extract(month from m.d)::integer,
         coalesce((select s.items_sold from public.seller_sales_counts s
                    where s.seller_id = v_user and s.year = extract(year from m.d)::integer
                      and s.month = extract(month from m.d)::integer), 0)::integer,
         coalesce((select sum(v.total_views) from public.seller_view_counts v
                    where v.seller_id = v_user and v.year = extract(year from m.d)::integer
                      and v.month = extract(month from m.d)::integer), 0)::integer
    from generate_series(v_first - make_interval(months => p_months - 1), v_first, interval '1 month') as m (d)
   order by m.d;
end;
$$;
revoke execute on function public.get_seller_monthly_stats(integer) from public, anon, authenticated, service_role;
grant execute on function public.get_seller_monthly_stats(integer) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- get_my_top_products: the caller's products with the most counted views this UTC month (only those
-- with at least one), then all-time views. Security definer to count product_views; the caller's own
-- products only (seller_id = auth.uid()).
-- ---------------------------------------------------------------------------------------------
create function public.get_my_top_products(p_limit integer default 5)
  returns table (id uuid, title text, status text, price numeric, views_month integer, views_all_time integer)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := auth.uid();
  v_month constant date := (date_trunc('month', now() at time zone public.leaderboard_time_zone()))::date;
begin
  if v_user is null then
    raise exception 'sign in to see your products' using errcode = 'PT401';
  end if;
  if p_limit is null or p_limit not between 1 and 50 then
    raise exception 'p_limit must be between 1 and 50 (got %)', coalesce(p_limit::text, 'null') using errcode = '22023';
  end if;
  return query
  select p.id, p.title, p.status, p.price, c.views_month, c.views_all_time
    from public.products p
    cross join lateral (
      select (count(*) filter (where v.view_month = v_month))::integer as views_month,
             count(*)::integer as views_all_time
        from public.product_views v where v.product_id = p.id
    ) c
   where p.seller_id = v_user and c.views_month > 0
   order by c.views_month desc, c.views_all_time desc, p.title, p.id
   limit p_limit;
end;
$$;
revoke execute on function public.get_my_top_products(integer) from public, anon, authenticated, service_role;
grant execute on function public.get_my_top_products(integer) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- get_trending_products: active products with the most counted views in the last p_days days.
-- Ties: more views first, then the more recent latest view, then id (stable). Views of products that
-- are not active never count (record_product_view refuses them), and a product that is no longer
-- active is not listed. Anyone may call it; it reveals counts only.
--
-- Served by product_views_viewed_at_product_idx (viewed_at) include (product_id): a range scan of the
-- window, index-only, so a large product_views costs the window's rows, not the table's.
-- ---------------------------------------------------------------------------------------------
create index product_views_viewed_at_product_idx on public.product_views (viewed_at) include (product_id);
-- The plain (viewed_at) index is a prefix of the new one: one index less on the hot insert path.
drop index public.product_views_viewed_at_idx;

create function public.get_trending_products(p_days integer default 7, p_limit integer default 10)
  returns table (id uuid, seller_id uuid, seller_name text, title text, price numeric,
                 recent_views integer, last_viewed_at timestamptz)
  language plpgsql stable security definer set search_path = ''
as $$
#variable_conflict use_column
begin
  if p_days is null or p_days not between 1 and 365 then
    raise exception 'p_days must be between 1 and 365 (got %)', coalesce(p_days::text, 'null') using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'p_limit must be between 1 and 100 (got %)', coalesce(p_limit::text, 'null') using errcode = '22023';
  end if;
  return query
  with recent as (
    select v.product_id, count(*)::integer as n, max(v.viewed_at) as last_at
      from public.product_views v
     where v.viewed_at > now() - make_interval(days => p_days)
     group by v.product_id
  )
  select p.id, p.seller_id, u.display_name, p.title, p.price, r.n, r.last_at
    from recent r
    join public.products p on p.id = r.product_id and p.status = 'active'
    join public.users u on u.id = p.seller_id
   order by r.n desc, r.last_at desc, p.id
   limit p_limit;
end;
$$;
revoke execute on function public.get_trending_products(integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.get_trending_products(integer, integer) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Messages: the caller's inbox, marking one read, replying. Security invoker: the messages policies
-- (sender and recipient read; only the recipient may set read_at; users send as themselves) decide.
-- ---------------------------------------------------------------------------------------------
-- The caller's received messages, newest first, with the sender and product named (a product the
-- caller may no longer see, or a deleted one, has a null title).
create function public.list_my_messages(p_limit integer default 50)
  returns table (id uuid, sender_id uuid, sender_name text, product_id uuid, product_title text,
                 body text, created_at timestamptz, read_at timestamptz)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := auth.uid();
begin
  if v_user is null then
    raise exception 'sign in to read your messages' using errcode = 'PT401';
  end if;
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception 'p_limit must be between 1 and 200 (got %)', coalesce(p_limit::text, 'null') using errcode = '22023';
  end if;
  return query
  select m.id, m.sender_id, u.display_name, m.product_id, p.title, m.body, m.created_at, m.read_at
    from public.messages m
    join public.users u on u.id = m.sender_id
    left join public.products p on p.id = m.product_id
   where m.recipient_id = v_user
   order by m.created_at desc, m.id desc
   limit p_limit;
end;
$$;
revoke execute on function public.list_my_messages(integer) from public, anon, authenticated, service_role;
grant execute on function public.list_my_messages(integer) to authenticated;

-- Marks a message the caller received as read (once: a second call keeps the first read_at) and
-- returns the caller's unread count. Someone else's message is "not found" (RLS hides it from
-- everyone but its sender and recipient; the sender gets 403).
create function public.mark_message_read(p_message_id uuid)
  returns integer
  language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_user constant uuid := auth.uid();
  v_recipient uuid;
begin
  if v_user is null then
    raise exception 'sign in to read your messages' using errcode = 'PT401';
  end if;
  select m.recipient_id into v_recipient from public.messages m where m.id = p_message_id;
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if v_recipient <> v_user then
    raise exception 'only the recipient can mark a message read' using errcode = 'PT403';
  end if;
  update public.messages m set read_at = now()
   where m.id = p_message_id and m.recipient_id = v_user and m.read_at is null;
  return (select count(*) from public.messages m where m.recipient_id = v_user and m.read_at is null)::integer;
end;
$$;
revoke execute on function public.mark_message_read(uuid) from public, anon, authenticated, service_role;
grant execute on function public.mark_message_read(uuid) to authenticated;

-- Replies to a message the caller received: to its sender, about the same product. Returns the new
-- message's id. The insert policy checks again that the sender is the caller and the product visible.
create function public.reply_to_message(p_message_id uuid, p_body text)
  returns uuid
  language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_user constant uuid := auth.uid();
  v_original record;
  v_id uuid;
begin
  if v_user is null then
    raise exception 'sign in to reply' using errcode = 'PT401';
  end if;
  select m.sender_id, m.recipient_id, m.product_id into v_original from public.messages m where m.id = p_message_id;
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if v_original.recipient_id <> v_user then
    raise exception 'only the recipient can reply to a message' using errcode = 'PT403';
  end if;
  insert into public.messages (recipient_id, product_id, body)
  values (v_original.sender_id,
          -- A product the caller can no longer see (deleted, or moved to another's draft) is left out.
          (select p.id from public.products p where p.id = v_original.product_id),
          p_body)
  returning public.messages.id into v_id;
  return v_id;
end;
$$;
revoke execute on function public.reply_to_message(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.reply_to_message(uuid, text) to authenticated;

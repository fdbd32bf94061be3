-- The functions' rules, at the table too (issue 7). Tables are reachable directly through Supabase's REST
-- API, so a rule only a function checks can be walked around:
--   * a sold product is part of the sales record and cannot be deleted (delete_product answers 409; a
--     direct delete now touches no row);
--   * a client creates a product as draft or active only (create_product's rule), never already sold;
--   * users.avatar_url is an https: URL (http: only on localhost) or null: no javascript:, data: and the like.

alter policy "sellers delete their own products" on public.products
  using (seller_id = (select auth.uid()) and status <> 'sold');
alter policy "sellers create their own products" on public.products
  with check (seller_id = (select auth.uid()) and status in ('draft', 'active'));

-- An avatar a browser may load as an image: https anywhere, http only on this machine (development).
-- Written out in the constraint and the sign-up trigger (no helper function: check constraints run with
-- the writer's privileges, and API roles get no execute on private functions).

-- Nothing is deployed yet, but a database with older rows must still migrate: unsafe avatars are dropped.
update public.users set avatar_url = null
 where avatar_url is not null
   and not (avatar_url ~* '^https://[^\s/?#@]+([/?#][^\s]*)?$'
         or avatar_url ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?#][^\s]*)?$');
alter table public.users
  add constraint users_avatar_url_https check (
    avatar_url is null
    or (avatar_url ~* '^https://[^\s/?#@]+([/?#][^\s]*)?$'
         or avatar_url ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?#][^\s]*)?$'));

-- Sign-up metadata is the user's own input: an unsafe avatar is dropped rather than failing the sign-up.
create or replace function public.handle_new_auth_user() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_avatar text := new.raw_user_meta_data ->> 'avatar_url';
begin
  insert into public.users (id, display_name, avatar_url)
  values (
    new.id,
    coalesce(
      nullif(btrim(left(new.raw_user_meta_data ->> 'display_name', 80)), ''),
      nullif(btrim(left(new.raw_user_meta_data ->> 'full_name', 80)), ''),
      nullif(btrim(left(split_part(coalesce(new.email, ''), '@', 1), 80)), ''),
      'New user'
    ),
    case when char_length(v_avatar) <= 2048
          and (v_avatar ~* '^https://[^\s/?#@]+([/?#][^\s]*)?$'
         or v_avatar ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?#][^\s]*)?$')
         then v_avatar end
  )
  on conflict (id) do nothing;
  return new;
end;
$$;

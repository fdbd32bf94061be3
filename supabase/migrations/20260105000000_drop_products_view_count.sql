-- products.view_count is dropped: it always read 0 while pages showed the real figure, and a column
-- that lies is worse than none (DESIGN.md: "exact or absent"). Keeping it exact would make a viral
-- product's row a lock every view waits for, so the figure is derived everywhere instead, from
-- product_views through public.product_view_total().
--
-- The product functions returned the derived figure under the column's name; they now call it
-- `views`. They are rewritten from their current definitions (pg_get_functiondef) rather than copied
-- here, so a fix another migration made to their bodies is kept, and their execute grants are
-- restored exactly as they were (a drop loses them).

alter table public.products drop column view_count;

do $$
declare
  f record;
  v_def text;
  v_header text;
  g record;
begin
  for f in
    select p.oid, p.oid::regprocedure::text as signature, p.proacl, p.proowner
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public'
       and p.proname in ('list_products', 'get_product', 'list_my_products', 'create_product', 'update_product')
  loop
    v_def := pg_get_functiondef(f.oid);
    -- Only the RETURNS TABLE header names the column; the bodies select by position.
    v_header := split_part(v_def, '$function$', 1);
    if strpos(v_header, ' view_count integer') = 0 then
      continue;
    end if;
    v_def := replace(v_header, ' view_count integer', ' views integer')
             || substr(v_def, char_length(v_header) + 1);
    execute format('drop function %s', f.signature);
    execute v_def;
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', f.signature);
    for g in
      select r.rolname from aclexplode(f.proacl) a join pg_roles r on r.oid = a.grantee
       where a.privilege_type = 'EXECUTE' and a.grantee <> f.proowner
    loop
      execute format('grant execute on function %s to %I', f.signature, g.rolname);
    end loop;
  end loop;
end;
$$;

comment on function public.product_view_total(uuid) is
  'Counted views of a product the caller may see (0 otherwise). The one source of a product''s view figure (products has no view counter).';

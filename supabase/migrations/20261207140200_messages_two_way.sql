-- Messages both ways: a signed-in shopper writes to a product's seller (send_product_message), the inbox
-- lists the messages the caller sent and received (list_my_conversation_messages, grouped into
-- conversations by the app), the header's unread count (count_my_unread_messages), and one quota of
-- messages an hour per sender for messages and replies together, kept in Postgres so it holds across app
-- instances. Errors: PT401 signed out, PT400 a message about your own product, PT404 not visible,
-- PT429 over the quota.

-- How many messages (new ones and replies together) one user may send in an hour.
create function private.messages_per_hour() returns integer
  language sql immutable parallel safe set search_path = ''
  return 30;

-- Every message an API client sends, whatever the way in (the functions below, or an insert through the
-- table grant), counts against the quota: a BEFORE INSERT trigger counts the sender's messages of the
-- last hour under a per-sender transaction advisory lock, so two concurrent sends cannot both take the
-- last place. Trusted writers (the seed, admin SQL) are not limited.
create function private.messages_check_quota() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  if private.trusted_writer() then
    return new;
  end if;
  perform pg_catalog.pg_advisory_xact_lock(hashtextextended('messages sent by ' || new.sender_id::text, 0));
  if (select count(*) from public.messages m
       where m.sender_id = new.sender_id and m.created_at > now() - interval '1 hour') >= private.messages_per_hour() then
    raise exception 'you can send at most % messages an hour: please try again later', private.messages_per_hour()
      using errcode = 'PT429';
  end if;
  return new;
end;
$$;

create trigger messages_check_quota
  before insert on public.messages
  for each row execute function private.messages_check_quota();

-- ---------------------------------------------------------------------------------------------
-- send_product_message: the caller writes to the seller of a product they can see (not their own).
-- ---------------------------------------------------------------------------------------------
create function public.send_product_message(p_product_id uuid, p_body text)
  returns table (id uuid, sender_id uuid, recipient_id uuid, product_id uuid, body text, created_at timestamptz)
  language plpgsql volatile security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_uid constant uuid := private.signed_in_user('write to a seller');
  v_product public.products;
begin
  -- RLS decides what the caller sees: listed products and their own drafts.
  select p.* into v_product from public.products p where p.id = p_product_id;
  if not found then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  if v_product.seller_id = v_uid then
    raise exception 'this is your own listing: you cannot write to yourself about it' using errcode = 'PT400';
  end if;
  if v_product.status = 'draft' then
    raise exception 'product not found' using errcode = 'PT404';
  end if;
  return query
  insert into public.messages as m (recipient_id, product_id, body)
  values (v_product.seller_id, v_product.id, p_body)
  returning m.id, m.sender_id, m.recipient_id, m.product_id, m.body, m.created_at;
end;
$$;
grant execute on function public.send_product_message(uuid, text) to authenticated;

-- ---------------------------------------------------------------------------------------------
-- The caller's messages, sent and received, newest first, with the other person and the product named.
-- ---------------------------------------------------------------------------------------------
create function public.list_my_conversation_messages(p_limit integer default 200)
  returns table (id uuid, product_id uuid, product_title text, product_seller_id uuid, other_id uuid,
                 other_name text, outgoing boolean, body text, created_at timestamptz, read_at timestamptz)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := private.signed_in_user('read your messages');
begin
  perform private.check_between('p_limit', p_limit, 1, 500);
  -- RLS shows a message to its sender and recipient; a product the caller may no longer see has a null title.
  return query
  select m.id, m.product_id, p.title, p.seller_id,
         case when m.sender_id = v_user then m.recipient_id else m.sender_id end,
         u.display_name, m.sender_id = v_user, m.body, m.created_at, m.read_at
    from public.messages m
    join public.users u on u.id = case when m.sender_id = v_user then m.recipient_id else m.sender_id end
    left join public.products p on p.id = m.product_id
   where v_user in (m.sender_id, m.recipient_id)
   order by m.created_at desc, m.id desc
   limit p_limit;
end;
$$;
grant execute on function public.list_my_conversation_messages(integer) to authenticated;

create function public.count_my_unread_messages()
  returns integer
  language sql stable security invoker set search_path = ''
as $$
  select count(*)::integer from public.messages m where m.recipient_id = (select auth.uid()) and m.read_at is null
$$;
grant execute on function public.count_my_unread_messages() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Demo data loaded by an earlier seed gave messages ids of md5's shape, which are not RFC 4122 UUIDs (the
-- version and variant digits), so the app's id check refused them. Give them those two digits.
-- ---------------------------------------------------------------------------------------------
update public.messages m
   set id = overlay(overlay(m.id::text placing '4' from 15) placing '8' from 20)::uuid
 where m.id::text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

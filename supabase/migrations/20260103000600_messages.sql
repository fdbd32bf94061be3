-- Messages: the caller's inbox, marking one read, replying. Security invoker: the messages policies of
-- 20260101000100_marketplace_schema.sql (sender and recipient read; only the recipient may set read_at;
-- users send as themselves, about products they can see) decide. None takes a user id: the caller is
-- auth.uid(). Errors: PT401 signed out, PT403 not the recipient, PT404 not visible, 22023 bad parameter.

-- The message the caller received, for mark_message_read and reply_to_message: the caller must be signed
-- in (PT401, 'sign in to <p_doing>'), see the message (PT404: RLS shows it to its sender and recipient
-- only) and be its recipient (PT403, 'only the recipient can <p_action>').
create function private.message_received_by_caller(p_message_id uuid, p_doing text, p_action text)
  returns public.messages
  language plpgsql stable security invoker set search_path = ''
as $$
declare
  v_user constant uuid := private.signed_in_user(p_doing);
  v_message public.messages;
begin
  select m.* into v_message from public.messages m where m.id = p_message_id;
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if v_message.recipient_id <> v_user then
    raise exception 'only the recipient can %', p_action using errcode = 'PT403';
  end if;
  return v_message;
end;
$$;
grant execute on function private.message_received_by_caller(uuid, text, text) to authenticated;

-- The caller's received messages, newest first, with the sender and product named (a product the
-- caller may no longer see, or a deleted one, has a null title).
create function public.list_my_messages(p_limit integer default 50)
  returns table (id uuid, sender_id uuid, sender_name text, product_id uuid, product_title text,
                 body text, created_at timestamptz, read_at timestamptz)
  language plpgsql stable security invoker set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user constant uuid := private.signed_in_user('read your messages');
begin
  perform private.check_between('p_limit', p_limit, 1, 200);
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
grant execute on function public.list_my_messages(integer) to authenticated;

-- Marks a message the caller received as read (once: a second call keeps the first read_at) and
-- returns the caller's unread count. Someone else's message is "not found" (RLS hides it from
-- everyone but its sender and recipient; the sender gets 403).
create function public.mark_message_read(p_message_id uuid)
  returns integer
  language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_user constant uuid := (private.message_received_by_caller(p_message_id, 'read your messages', 'mark a message read')).recipient_id;
begin
  update public.messages m set read_at = now()
   where m.id = p_message_id and m.recipient_id = v_user and m.read_at is null;
  return (select count(*) from public.messages m where m.recipient_id = v_user and m.read_at is null)::integer;
end;
$$;
grant execute on function public.mark_message_read(uuid) to authenticated;

-- Replies to a message the caller received: to its sender, about the same product. Returns the new
-- message's id. The insert policy checks again that the sender is the caller and the product visible.
create function public.reply_to_message(p_message_id uuid, p_body text)
  returns uuid
  language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_original constant public.messages := private.message_received_by_caller(p_message_id, 'reply', 'reply to a message');
  v_id uuid;
begin
  insert into public.messages (recipient_id, product_id, body)
  values (v_original.sender_id,
          -- A product the caller can no longer see (deleted, or moved to another's draft) is left out.
          (select p.id from public.products p where p.id = v_original.product_id),
          p_body)
  returning public.messages.id into v_id;
  return v_id;
end;
$$;
grant execute on function public.reply_to_message(uuid, text) to authenticated;

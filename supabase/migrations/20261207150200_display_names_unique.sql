-- Display names: one seller cannot pose as another on the boards.
--   * Every display name is normalised on the way in (NFKC, invisible and control characters removed,
--     runs of white space made one space, trimmed), so "Theo Okafor" with a zero-width space, or in
--     full-width letters, is the name "Theo Okafor".
--   * Names are unique across all users, ignoring case (users_display_name_unique). A sign-up whose
--     name is taken gets the first free numbered suffix ("Theo Okafor 2"); renaming yourself to a taken
--     name fails with unique_violation (HTTP 409).

-- The characters removed: soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers,
-- Khmer vowel inherent signs, Mongolian variation selectors and vowel separator, zero-width and
-- direction marks, bidirectional embeddings and isolates, word joiner and invisible operators, variation
-- selectors, byte order mark, and C0/C1 control characters.
create function private.normalized_display_name(p_name text)
  returns text
  language sql immutable set search_path = ''
as $$
  select btrim(regexp_replace(
    regexp_replace(
      normalize(p_name, nfkc),
      '[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]',
      '', 'g'),
    '\s+', ' ', 'g'))
$$;

-- Existing names: normalised, then the later of two equal names (ignoring case) numbered.
update public.users u
   set display_name = private.normalized_display_name(u.display_name)
 where u.display_name is distinct from private.normalized_display_name(u.display_name);

with ranked as (
  select u.id, u.display_name,
         row_number() over (partition by lower(u.display_name) order by u.created_at, u.id) as n
    from public.users u
)
update public.users u
   set display_name = left(r.display_name, 80 - char_length(' ' || r.n::text)) || ' ' || r.n::text
  from ranked r
 where r.id = u.id and r.n > 1;

create unique index users_display_name_unique on public.users (lower(display_name));

-- Security definer: it runs for a client renaming themselves, who may not call private functions.
create function private.users_normalize_display_name() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  new.display_name := private.normalized_display_name(new.display_name);
  return new;
end;
$$;

create trigger users_normalize_display_name
  before insert or update of display_name on public.users
  for each row execute function private.users_normalize_display_name();

-- The sign-up trigger: as before, plus the first free numbered suffix when the name is taken. The
-- unique index decides (an insert that loses a race to the same name tries the next number).
create or replace function public.handle_new_auth_user() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_avatar text := new.raw_user_meta_data ->> 'avatar_url';
  v_name text := coalesce(
    nullif(private.normalized_display_name(left(new.raw_user_meta_data ->> 'display_name', 80)), ''),
    nullif(private.normalized_display_name(left(new.raw_user_meta_data ->> 'full_name', 80)), ''),
    nullif(private.normalized_display_name(left(split_part(coalesce(new.email, ''), '@', 1), 80)), ''),
    'New user');
  v_candidate text := v_name;
  v_number integer := 1;
begin
  if char_length(v_avatar) > 2048
     or not (v_avatar ~* '^https://[^\s/?#@]+([/?#][^\s]*)?$'
             or v_avatar ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?([/?#][^\s]*)?$') then
    v_avatar := null;
  end if;
  loop
    -- Skip the numbers already taken without raising (cheap), then let the unique index decide.
    while exists (select 1 from public.users u where lower(u.display_name) = lower(v_candidate)) loop
      v_number := v_number + 1;
      v_candidate := left(v_name, 80 - char_length(' ' || v_number::text)) || ' ' || v_number::text;
    end loop;
    begin
      insert into public.users (id, display_name, avatar_url)
      values (new.id, v_candidate, v_avatar)
      on conflict (id) do nothing;
      return new;
    exception when unique_violation then
      -- Another sign-up took this name a moment ago: try the next number.
      null;
    end;
  end loop;
end;
$$;

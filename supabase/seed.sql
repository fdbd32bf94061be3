-- Demo data for the marketplace: 12 sellers, 20 shoppers, 150 products, several thousand counted
-- views, a few hundred messages and the sales with their buyers, spread over the past eight months so
-- that every screen (home, product pages, "My products", the inbox, the dashboard and the leaderboard's
-- current and past months) has something real to show. Shoppers write to sellers about what they then
-- buy; most sales name their buyer and rank, and a few show each other state: disputed ("Not me"), over
-- the 3-per-buyer-and-month cap, and sold elsewhere.
--
-- Run once on a freshly migrated database, after every migration, as a privileged role (the launcher
-- and `supabase db reset` run it as postgres): products get explicit created_at and sold_at, which
-- only privileged roles may set. Everything is deterministic (arithmetic on row numbers, no random()),
-- and times are relative to now(), so the demo always has a current month and past months. Running it
-- a second time adds nothing: fixed ids with `on conflict do nothing`, and views, sales and messages
-- are only generated for products this run inserted.
--
-- The order follows real life, so the trigger-maintained leaderboard cache counts it like live
-- traffic: products are listed (active or draft), shoppers view the active ones, then some are sold.
-- Views are only of listed products, between listing and sale, never by the product's own seller,
-- and at most once per viewer, product and UTC month (the unique index decides with on conflict).
--
-- Ids are readable: users 00000000-0000-4000-8000-0000000000NN (01-12 sellers, 13-32 shoppers),
-- products 00000000-0000-4000-8000-1000000000NN[N].

-- ---------------------------------------------------------------------------------------------
-- Users: auth.users rows; the sign-up trigger creates their public.users profiles.
-- ---------------------------------------------------------------------------------------------
insert into auth.users (id, email, raw_user_meta_data, created_at)
select ('00000000-0000-4000-8000-' || lpad(u.n::text, 12, '0'))::uuid,
       u.email || '@demo.marketplace.test',
       jsonb_build_object('display_name', u.display_name),
       now() - make_interval(days => 300 - u.n * 3)
from (values
  -- sellers
  (1, 'mara', 'Mara Lindqvist'),
  (2, 'theo', 'Theo Okafor'),
  (3, 'priya', 'Priya Raman'),
  (4, 'jonas', 'Jonas Becker'),
  (5, 'lucia', 'Lucía Fernández'),
  (6, 'kenji', 'Kenji Watanabe'),
  (7, 'amara', 'Amara Nwosu'),
  (8, 'oliver', 'Oliver Grant'),
  (9, 'sofia', 'Sofia Rossi'),
  (10, 'ravi', 'Ravi Mehta'),
  (11, 'hannah', 'Hannah Moore'),
  (12, 'diego', 'Diego Alvarez'),
  -- shoppers
  (13, 'emma', 'Emma Clarke'),
  (14, 'noah', 'Noah Schmidt'),
  (15, 'aisha', 'Aisha Khan'),
  (16, 'lucas', 'Lucas Martin'),
  (17, 'mia', 'Mia Johansson'),
  (18, 'ethan', 'Ethan Brooks'),
  (19, 'zara', 'Zara Ahmed'),
  (20, 'leo', 'Leo Costa'),
  (21, 'chloe', 'Chloé Dubois'),
  (22, 'sam', 'Sam Taylor'),
  (23, 'ingrid', 'Ingrid Nilsen'),
  (24, 'mateo', 'Mateo García'),
  (25, 'yuki', 'Yuki Tanaka'),
  (26, 'grace', 'Grace Liu'),
  (27, 'finn', 'Finn O''Brien'),
  (28, 'nadia', 'Nadia Petrova'),
  (29, 'omar', 'Omar Haddad'),
  (30, 'isla', 'Isla Campbell'),
  (31, 'ben', 'Ben Adeyemi'),
  (32, 'lena', 'Lena Vogel')
) as u (n, email, display_name)
on conflict do nothing;

-- Profiles date from sign-up, not from when this script ran.
update public.users pu
set created_at = au.created_at
from auth.users au
where au.id = pu.id
  and au.email like '%@demo.marketplace.test'
  and pu.created_at > au.created_at;

-- ---------------------------------------------------------------------------------------------
-- Products: the plan (who sells what, when listed, whether and when sold) in a temporary table.
-- ---------------------------------------------------------------------------------------------
drop table if exists pg_temp.seed_products;
drop table if exists pg_temp.seed_cap_example;
create temporary table seed_products (
  n int primary key,
  id uuid not null,
  seller int not null,
  seller_id uuid not null,
  title text not null,
  description text not null,
  price numeric(12, 2) not null,
  final_status text not null,
  created_at timestamptz not null,
  sold_at timestamptz,
  fresh boolean not null default false
);

insert into seed_products (n, id, seller, seller_id, title, description, price, final_status, created_at)
with items (seller, title, price) as (values
  (1, 'Canon AE-1 Program 35mm film camera', 185),
  (1, 'Olympus OM-1 with 50mm f/1.8 lens', 240),
  (1, 'Nikon FM2 body, black', 320),
  (1, 'Pentax K1000 student kit', 150),
  (1, 'Polaroid SX-70 Land Camera', 275),
  (1, 'Yashica Mat-124G twin lens reflex', 390),
  (1, 'Leica M3 rangefinder, double stroke', 1450),
  (1, 'Helios 44-2 58mm f/2 lens, M42 mount', 45),
  (1, 'Mamiya RB67 Pro S with 90mm lens', 620),
  (1, 'Kodak Retina IIa folding camera', 95),
  (1, 'Minolta X-700 with 45mm pancake lens', 165),
  (1, 'Contax T2 compact, titanium', 890),
  (1, 'Sekonic L-398A light meter', 38),
  (2, 'Technics SL-1200MK2 turntable', 650),
  (2, 'Pink Floyd - The Dark Side of the Moon, 1973 UK press', 120),
  (2, 'Miles Davis - Kind of Blue, Columbia six-eye', 210),
  (2, 'Marantz 2230 stereo receiver', 480),
  (2, 'Audio-Technica AT-LP120 turntable', 180),
  (2, 'Fleetwood Mac - Rumours, original pressing', 35),
  (2, 'KEF Q350 bookshelf speakers (pair)', 320),
  (2, 'Crate of 40 soul and funk 45s', 140),
  (2, 'Nakamichi BX-300 cassette deck', 390),
  (2, 'Björk - Homogenic, 1997 first press', 85),
  (2, 'Sennheiser HD 600 headphones', 260),
  (2, 'Ortofon 2M Blue cartridge', 150),
  (2, 'Bob Marley & The Wailers - Exodus', 28),
  (3, 'Hand-thrown stoneware mug, speckled oat glaze', 32),
  (3, 'Set of 4 celadon dinner plates', 120),
  (3, 'Large serving bowl, tenmoku glaze', 85),
  (3, 'Porcelain bud vases (set of 3)', 48),
  (3, 'Wood-fired tea bowl (chawan)', 65),
  (3, 'Terracotta planter with saucer', 40),
  (3, 'Hand-built ceramic lamp base', 150),
  (3, 'Espresso cups, matte black (pair)', 36),
  (3, 'Raku-fired decorative platter', 110),
  (3, 'Stoneware pour-over coffee dripper', 42),
  (3, 'Salt cellar with oak lid', 24),
  (3, 'Ceramic berry colander', 30),
  (3, 'Carved porcelain pendant shade', 135),
  (4, 'Steel road bike, Reynolds 531 frame, 56 cm', 450),
  (4, 'Brooks B17 leather saddle, honey', 85),
  (4, 'Shimano 105 R7000 groupset, 11-speed', 310),
  (4, 'Surly Straggler gravel bike, 54 cm', 980),
  (4, 'Kids'' balance bike, 12 inch', 60),
  (4, 'Wahoo KICKR Snap smart trainer', 290),
  (4, 'Carbon wheelset, 45 mm rims', 720),
  (4, 'Vintage Peugeot PX-10 frame', 380),
  (4, 'Ortlieb Back-Roller panniers (pair)', 120),
  (4, 'Park Tool PCS-10 repair stand', 140),
  (4, 'Bosch e-bike battery, 500 Wh', 340),
  (4, 'Brompton M6L folding bike', 1250),
  (4, 'Garmin Edge 530 bike computer', 160),
  (5, 'Teak sideboard, Danish mid-century', 890),
  (5, 'Lounge chair and ottoman, walnut and leather', 1400),
  (5, 'Pair of walnut bedside tables', 420),
  (5, 'Wishbone dining chair, natural cord', 480),
  (5, 'Round oak dining table, seats 4', 650),
  (5, 'Rattan armchair, 1970s', 210),
  (5, 'Brass floor lamp with linen shade', 180),
  (5, 'Rosewood writing desk', 760),
  (5, 'String shelving system, 3 bays', 540),
  (5, 'Velvet three-seater sofa, forest green', 980),
  (5, 'Tulip side table, white laminate', 260),
  (5, 'Bentwood coat stand', 95),
  (5, 'Set of 6 Cesca chairs', 720),
  (6, 'Custom 65% mechanical keyboard, aluminium case', 260),
  (6, 'HHKB Professional Hybrid Type-S', 240),
  (6, 'GMK Olivia keycap set', 140),
  (6, 'Raspberry Pi 5, 8 GB, with case', 95),
  (6, 'Logitech MX Master 3S mouse', 70),
  (6, '27-inch 4K IPS monitor', 290),
  (6, 'Nintendo Switch OLED, white', 250),
  (6, 'Sony WH-1000XM4 headphones', 180),
  (6, 'iPad Air (5th gen), 64 GB', 420),
  (6, 'Kindle Paperwhite (11th gen)', 85),
  (6, 'Steam Deck 512 GB', 380),
  (6, 'Lubed Gateron Yellow switches (90 pcs)', 35),
  (6, 'Anker 737 power bank, 24,000 mAh', 60),
  (7, 'Levi''s 501 jeans, 1990s, W32 L32', 75),
  (7, 'Wool camel overcoat, size M', 140),
  (7, 'Silk scarf with hand-rolled edges', 45),
  (7, 'Barbour Beaufort waxed jacket, size 40', 160),
  (7, 'Dr. Martens 1460 boots, cherry red, UK 8', 90),
  (7, '1970s suede fringe jacket', 180),
  (7, 'Aran knit fisherman sweater', 65),
  (7, 'Leather crossbody bag, tan', 85),
  (7, 'Linen wrap dress, size S', 55),
  (7, 'Harris Tweed blazer, 42R', 110),
  (7, 'Vintage band T-shirt, 1994 tour', 60),
  (7, 'Cashmere turtleneck, charcoal', 95),
  (8, 'The Hobbit, 1966 Unwin hardback', 140),
  (8, 'Discworld paperbacks, complete set of 41', 180),
  (8, 'Dune, first Ace paperback edition', 95),
  (8, 'Penguin Modern Classics bundle (25 books)', 60),
  (8, 'Never Let Me Go, signed first edition', 220),
  (8, 'Atlas of Remote Islands, illustrated', 22),
  (8, 'Folio Society edition of The Odyssey', 70),
  (8, 'Vintage Michelin road maps of France (12)', 35),
  (8, 'Calvin and Hobbes complete collection box set', 120),
  (8, 'Salt Fat Acid Heat, signed', 48),
  (8, '1950s field guide to British birds', 18),
  (8, 'Letterpress poetry chapbooks (set of 5)', 40),
  (9, 'Le Creuset cast iron casserole, 24 cm, volcanic', 160),
  (9, 'Hand-hammered carbon steel wok', 55),
  (9, 'Bialetti Moka Express, 6 cups', 25),
  (9, 'Japanese gyuto chef''s knife, 210 mm', 180),
  (9, 'KitchenAid Artisan stand mixer, pistachio', 320),
  (9, 'Marble pastry board', 45),
  (9, 'Copper saucepan set (3 pieces)', 260),
  (9, 'Gaggia Classic Pro espresso machine', 340),
  (9, 'Pasta maker with ravioli attachment', 60),
  (9, 'End-grain walnut cutting board', 95),
  (9, 'Hario V60 pour-over kit', 35),
  (9, 'Vintage enamel bread bin', 40),
  (10, 'Gloomhaven, unpunched', 110),
  (10, 'Wingspan with European expansion', 55),
  (10, 'Catan 25th anniversary edition', 45),
  (10, 'Magic: The Gathering Dominaria booster box', 95),
  (10, '1980s tournament chess set, weighted pieces', 80),
  (10, 'Twilight Imperium 4th edition', 120),
  (10, 'LEGO Millennium Falcon 75192, sealed', 780),
  (10, 'Game Boy Color, teal, with Pokémon Yellow', 130),
  (10, 'Pandemic Legacy Season 1, unplayed', 50),
  (10, 'Carcassonne Big Box', 40),
  (10, 'Painted Space Marine army, 2000 points', 240),
  (10, 'Mahjong set in wooden case', 90),
  (11, 'Monstera deliciosa, 1.2 m tall', 65),
  (11, 'Fiddle leaf fig in ceramic pot', 80),
  (11, 'Variegated string of hearts cuttings', 15),
  (11, 'Juniper bonsai, 8 years old', 120),
  (11, 'Olive tree, 1.5 m, in terracotta pot', 150),
  (11, 'Six succulents in concrete pots', 40),
  (11, 'Cast iron garden bench', 220),
  (11, 'Raised cedar garden bed kit', 130),
  (11, 'Bird of paradise (Strelitzia), large', 95),
  (11, 'Hand-forged garden tool set', 70),
  (11, 'Staghorn fern mounted on oak board', 55),
  (11, 'Terrarium with moss and ferns', 48),
  (12, 'Two-person backpacking tent, 1.4 kg', 230),
  (12, '65 L trekking backpack', 140),
  (12, 'Down sleeping bag, comfort -5 °C', 190),
  (12, 'Jetboil Flash cooking system', 75),
  (12, 'Inflatable paddle board, 10''6"', 320),
  (12, 'Trail running shoes, EU 43, barely worn', 60),
  (12, 'Climbing harness and belay device', 70),
  (12, 'Camping hammock with bug net', 45),
  (12, 'Carbon trekking poles (pair)', 65),
  (12, 'Ash wood canoe paddle', 55),
  (12, 'Headlamp, 400 lumens', 25),
  (12, 'Portable solar panel, 100 W', 150)
), numbered as (
  select row_number() over () as n, i.* from items i
), planned as (
  select nb.*,
         -- A stable pseudo-random 0..99 per product, and a sales rate per seller (some sell a lot).
         (nb.n * 37 + nb.seller * 11) % 100 as h,
         (array[48, 30, 40, 22, 52, 36, 28, 18, 33, 44, 20, 26])[nb.seller] as sell_rate,
         -- Listed between 2 and ~236 days ago, at varied hours.
         now() - make_interval(days => ((nb.n * 47) % 235 + 2)::int, hours => ((nb.n * 5) % 24)::int,
                               mins => ((nb.n * 13) % 60)::int) as listed_at
  from numbered nb
)
select p.n,
       ('00000000-0000-4000-8000-1' || lpad(p.n::text, 11, '0'))::uuid,
       p.seller,
       ('00000000-0000-4000-8000-' || lpad(p.seller::text, 12, '0'))::uuid,
       p.title,
       case when p.h >= 91 and p.n % 2 = 0 then ''  -- a draft still being written
       else (array[
              'Excellent condition, lightly used.',
              'Fully working and recently serviced.',
              'Some honest signs of wear, nothing that affects use.',
              'Like new, used only a handful of times.',
              'Good vintage condition for its age.'
            ])[1 + p.n % 5]
            || ' ' ||
            (array[
              'Tested with a fresh roll of film before listing; shipped well padded.',
              'Play-graded and cleaned; ships in a sturdy mailer.',
              'Made in my studio; food and dishwasher safe.',
              'Checked over and adjusted in my workshop; test rides welcome.',
              'Solid wood, restored and oiled; collection or local delivery.',
              'From a smoke-free home; original box where noted.',
              'Washed, pressed and measured; ask for measurements.',
              'From a pet- and smoke-free home; wrapped in acid-free paper.',
              'Cleaned and ready to use; no chips or deep scratches.',
              'All pieces counted and sleeved; stored away from sunlight.',
              'Grown in my greenhouse; collection only for the large plants.',
              'Used on a few trips and washed; no holes or repairs.'
            ])[p.seller]
            || ' ' ||
            (array[
              'Pickup in person or tracked shipping.',
              'Happy to answer questions.',
              'Open to reasonable offers.',
              'Can meet in town on weekends.'
            ])[1 + p.n % 4]
       end,
       p.price,
       case when p.h < p.sell_rate then 'sold' when p.h >= 91 then 'draft' else 'active' end,
       p.listed_at
from planned p
order by p.n;

-- Sales: spread evenly over the past seven months, a fifth of them in the current UTC month. A sold
-- product was listed between 2 and 41 days before its sale.
update seed_products s
set sold_at = case
  when s.n % 5 = 0 then
    now() - (now() - (date_trunc('month', now() at time zone 'UTC') at time zone 'UTC')) * (((s.n * 13) % 80 + 10) / 100.0)
  else
    now() - make_interval(days => ((s.n * 23) % 215 + 3)::int, hours => ((s.n * 7) % 24)::int)
end
where s.final_status = 'sold';

-- The cap's example: four of Lucía's sales in one week of last month (one shopper buys all four, below).
create temporary table seed_cap_example as
select s.n from seed_products s where s.seller = 5 and s.final_status = 'sold' and s.n % 11 <> 0 order by s.n limit 4;
update seed_products s
set sold_at = (date_trunc('month', now() at time zone 'UTC') at time zone 'UTC') - interval '20 days'
              + make_interval(hours => s.n)
where s.n in (select c.n from seed_cap_example c);

update seed_products s
set created_at = s.sold_at - make_interval(days => ((s.n * 11) % 40 + 2)::int, hours => ((s.n * 3) % 24)::int)
where s.final_status = 'sold';

-- List them: active or draft for now (the sales come after their views, as in real life).
with inserted as (
  insert into public.products (id, seller_id, title, description, price, status, created_at, updated_at)
  select s.id, s.seller_id, s.title, s.description, s.price,
         case when s.final_status = 'draft' then 'draft' else 'active' end,
         s.created_at,
         least(now(), s.created_at + make_interval(days => s.n % 5, hours => s.n % 7))
  from seed_products s
  order by s.n
  on conflict do nothing
  returning id
)
update seed_products s set fresh = true from inserted i where i.id = s.id;

-- ---------------------------------------------------------------------------------------------
-- Views: between listing and sale (or now); some in the last week and in the current month.
-- Viewers: signed-in users (never the seller) and anonymous sessions from a pool of 300.
-- ---------------------------------------------------------------------------------------------
insert into public.product_views (product_id, user_id, session_id, viewed_at)
select v.product_id,
       case when v.anonymous then null
            else ('00000000-0000-4000-8000-' || lpad(v.viewer::text, 12, '0'))::uuid end,
       case when v.anonymous then md5('demo-session-' || ((v.n * 7 + v.k * 13) % 300))::uuid end,
       v.window_start + (v.window_end - v.window_start) * (((v.k * 389 + v.n * 97) % 1000) / 1000.0)
from (
  select s.id as product_id, s.n, k.k,
         k.k % 3 = 0 as anonymous,
         -- Any of the 32 users except the seller.
         case when (s.n * 5 + k.k * 7) % 32 + 1 = s.seller then s.seller % 32 + 1
              else (s.n * 5 + k.k * 7) % 32 + 1 end as viewer,
         case
           when k.k % 6 = 0 and s.final_status = 'active' then
             greatest(s.created_at, date_trunc('month', now() at time zone 'UTC') at time zone 'UTC')
           when k.k % 6 = 1 and s.final_status = 'active' then greatest(s.created_at, now() - interval '7 days')
           else s.created_at
         end as window_start,
         coalesce(s.sold_at, now()) as window_end
  from seed_products s
  -- Popularity varies: most products get 8-52 views, a few "hot" ones get many more.
  cross join lateral generate_series(1, 8 + (s.n * s.n * 7 + s.seller * 13) % 45 + case when s.n % 17 = 0 then 70 else 0 end) as k (k)
  where s.fresh and s.final_status <> 'draft'
) v
order by 4
on conflict do nothing;

-- ---------------------------------------------------------------------------------------------
-- Sales: mark sold with their planned dates (privileged, so the explicit sold_at is kept).
-- ---------------------------------------------------------------------------------------------
update public.products p
set status = 'sold', sold_at = s.sold_at
from seed_products s
where s.id = p.id and s.fresh and s.final_status = 'sold';

-- The sale was each product's last edit (a separate statement: the touch trigger would say now()).
update public.products p
set updated_at = s.sold_at
from seed_products s
where s.id = p.id and s.fresh and s.final_status = 'sold';

-- ---------------------------------------------------------------------------------------------
-- Messages: shoppers ask about listed products (always about what they then buy), sellers answer;
-- recent ones are still unread. Ids are RFC 4122 (version 4, variant 8) UUIDs made from an md5, so the
-- app's id check accepts them.
-- ---------------------------------------------------------------------------------------------
insert into public.messages (id, sender_id, recipient_id, product_id, body, created_at, read_at)
select overlay(overlay(md5('demo-message-' || m.n || '-' || m.part) placing '4' from 13) placing '8' from 17)::uuid,
       m.sender_id, m.recipient_id, m.product_id, b.body, m.sent_at,
       -- Read within a day, except what arrived in the last five days (every other one unread).
       case when m.sent_at > now() - interval '5 days' and (m.n + m.part) % 2 = 0 then null
            else least(now(), m.sent_at + make_interval(hours => 1 + (m.n * 7) % 20)) end
from (
  select t.n, q.part, t.product_id,
         case when q.part = 2 then t.seller_id else t.shopper_id end as sender_id,
         case when q.part = 2 then t.shopper_id else t.seller_id end as recipient_id,
         case q.part
           when 1 then (array[
               'Hi! Is the %s still available?',
               'Would you take %s for the %s? I can pay today.',
               'Could you share a few more photos of the %s?',
               'Is local pickup possible for the %s?',
               'Does the %s come with the original box or accessories?'
             ])[1 + t.n % 5]
           when 2 then (array[
               'Yes, still available. Happy to answer any questions.',
               'I could meet you halfway on the price if you can collect this week.',
               'Sure, I will send more photos this evening.',
               'Pickup is fine, evenings after 6 work best for me.',
               'No original box, sorry, but I will pack it very carefully.'
             ])[1 + t.n % 5]
           else (array[
               'Great, thanks! I will confirm tomorrow.',
               'Perfect, see you then.',
               'Thanks for the quick reply!'
             ])[1 + t.n % 3]
         end as template,
         t.title, t.offer,
         t.asked_at + make_interval(hours => (q.part - 1) * (2 + t.n % 9)) as sent_at
  from (
    select s.n, s.id as product_id, s.seller_id, s.title,
           to_char(round(s.price * 0.85), 'FM999999') as offer,
           ('00000000-0000-4000-8000-' || lpad((13 + (s.n * 3) % 20)::text, 12, '0'))::uuid as shopper_id,
           -- Asked while listed, early enough for the answers to have been sent by now.
           least(s.created_at + (coalesce(s.sold_at, now()) - s.created_at) * (((s.n * 31) % 70 + 15) / 100.0),
                 now() - make_interval(hours => 2 * (2 + s.n % 9) + 1 + s.n % 5)) as asked_at
    from seed_products s
    where s.fresh and s.final_status <> 'draft' and (s.n % 3 <> 1 or s.final_status = 'sold')
  ) t
  -- Every thread has a question; most get an answer; some a thank-you too.
  cross join lateral (select generate_series(1, case when t.n % 7 = 0 then 1 when t.n % 3 = 0 then 3 else 2 end) as part) q
) m
-- Fill in the product's title (and for an offer, about 85% of the price).
cross join lateral (
  select case when m.template like 'Would you take%' then format(m.template, m.offer, m.title)
              when strpos(m.template, '%s') > 0 then format(m.template, m.title)
              else m.template end as body
) b
order by m.sent_at
on conflict do nothing;

-- ---------------------------------------------------------------------------------------------
-- Buyers: the sales above were written as a trusted import (no buyer, ranked at a price above 0).
-- Name each one's buyer, the shopper who asked about it, and decide as the app would (admin SQL may
-- write sales; the sales triggers keep the counters exact):
--   * every 11th sale was sold elsewhere (no buyer: never ranks);
--   * one shopper bought four items from one seller in one month (seed_cap_example): the fourth is over
--     the cap;
--   * every 13th named buyer answered "Not me" (disputed: off the boards), every third confirmed.
-- ---------------------------------------------------------------------------------------------
create temporary table seed_buyers as
select s.n, s.id, s.seller_id, s.sold_at,
       case when s.n % 11 = 0 then null
            else ('00000000-0000-4000-8000-' || lpad((13 + (s.n * 3) % 20)::text, 12, '0'))::uuid end as buyer_id
  from seed_products s
 where s.fresh and s.final_status = 'sold';

-- The cap's example: Sam Taylor bought all four of those sales of Lucía's, having asked about each first.
update seed_buyers b set buyer_id = '00000000-0000-4000-8000-000000000022'::uuid
  from seed_cap_example c where c.n = b.n;

insert into public.messages (id, sender_id, recipient_id, product_id, body, created_at, read_at)
select overlay(overlay(md5('demo-message-cap-' || b.n) placing '4' from 13) placing '8' from 17)::uuid,
       b.buyer_id, b.seller_id, b.id, 'Hi! Is this still available? I can collect today.',
       b.sold_at - interval '5 hours', b.sold_at - interval '4 hours'
  from seed_buyers b
 where b.buyer_id = '00000000-0000-4000-8000-000000000022'::uuid
on conflict do nothing;

update public.sales sa
   set buyer_id = d.buyer_id,
       cap_seller_id = case when d.buyer_id is not null then d.seller_id end,
       cap_month = case when d.buyer_id is not null then (date_trunc('month', d.sold_at at time zone 'UTC'))::date end,
       ranks = d.ranks,
       buyer_response = d.response,
       responded_at = case when d.response is not null then least(now(), d.sold_at + interval '1 day') end
  from (
    select b.*,
           b.buyer_id is not null and p.price > 0
             and row_number() over (partition by b.buyer_id, b.seller_id, date_trunc('month', b.sold_at at time zone 'UTC')
                                    order by b.sold_at, b.n) <= 3 as ranks,
           case when b.buyer_id is null then null
                when b.n % 13 = 5 then 'not_me'
                when b.n % 3 = 0 then 'confirm' end as response
      from seed_buyers b join public.products p on p.id = b.id
  ) d
 where sa.product_id = d.id and sa.undone_at is null;

drop table if exists pg_temp.seed_buyers;
drop table if exists pg_temp.seed_cap_example;
drop table if exists pg_temp.seed_products;

-- Fresh statistics for the tables the cache triggers and boards read, so the first requests after a
-- seed get the key lookups (never-analyzed tables pick plans by index creation order).
analyze public.seller_sales_counts, public.seller_view_counts, public.products, public.product_views, public.sales,
  public.messages;

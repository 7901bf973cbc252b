-- PostGraphile's view of the customer timeline (bench only; Prism does not use it).
--
-- Prism merges interactions, ticket events, deal stage changes and service visits into
-- `Customer.timeline`. PostGraphile has no such feed, so a PostGraphile user would add a view and
-- let PostGraphile expose it as a relation of `customer` (smart tag `@foreignKey`). It lives in its
-- own schema so the Prism tables in `public` stay exactly as migrated.
CREATE SCHEMA IF NOT EXISTS bench_postgraphile;

CREATE OR REPLACE VIEW bench_postgraphile.timeline_entry AS
    SELECT i.customer_id, i.occurred_at, 'Interaction'::text AS kind, i.id,
           i.channel, i.direction, i.summary,
           NULL::ticket_event_kind AS event_kind, NULL::ticket_status AS from_status,
           NULL::ticket_status AS to_status, NULL::opportunity_stage AS from_stage,
           NULL::opportunity_stage AS to_stage, NULL::timestamptz AS scheduled_start,
           NULL::text AS notes
      FROM public.interaction i
     WHERE i.customer_id IS NOT NULL
    UNION ALL
    SELECT e.customer_id, e.occurred_at, 'TicketEvent', e.id,
           NULL, NULL, NULL, e.kind, e.from_status, e.to_status, NULL, NULL, NULL, NULL
      FROM public.ticket_event e
    UNION ALL
    SELECT s.customer_id, s.occurred_at, 'OpportunityStageChange', s.id,
           NULL, NULL, NULL, NULL, NULL, NULL, s.from_stage, s.to_stage, NULL, NULL
      FROM public.opportunity_stage_change s
    UNION ALL
    SELECT v.customer_id, v.scheduled_start, 'ServiceVisit', v.id,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, v.scheduled_start, v.notes
      FROM public.service_visit v;

COMMENT ON VIEW bench_postgraphile.timeline_entry IS
    E'@foreignKey (customer_id) references public.customer (id)|@fieldName customer|@foreignFieldName timelineEntries\n@primaryKey kind,id';

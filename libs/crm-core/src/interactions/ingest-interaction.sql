-- The ingest write as one server-side function, so a message costs one round trip instead of six
-- (BEGIN, four statements, COMMIT). Read top to bottom it is the ingest: is it new, who is it,
-- which conversation, the interaction, the day's activity. Intent and preview are decided by the
-- caller (the rules live in TypeScript), and so is the interaction's id (chosen at the edge).
--
-- No row back means a duplicate: the idempotency key is already stored. A concurrent insert of
-- the same key fails the whole call with unique_violation, which the caller also reads as one.
--
-- This file is re-applied whenever it changes (repeatable-sql.ts). A new signature gets a new
-- name; the previous one stays callable for one release, so workers can be upgraded one at a time.

CREATE OR REPLACE FUNCTION ingest_interaction_v4(
  -- interactionIdOf(p_channel, p_idempotency_key), chosen at the edge: a redelivery is found by it.
  p_interaction_id uuid,
  p_identity_channel text, p_identity_address text, p_customer_name text,
  p_channel text, p_direction text, p_kind text, p_text text, p_subject text,
  p_occurred_at timestamptz, p_external_id text, p_idempotency_key text,
  p_intent text, p_metadata jsonb, p_preview text,
  -- The conversation within (customer, channel): '' for channels with one thread per customer.
  p_thread_key text,
  -- Provider ids of earlier messages this one answers (email In-Reply-To / References).
  p_reply_to text[],
  -- Where a customer first seen with this item starts, and why (the lifecycle rules decide, in
  -- TypeScript); null when the rules move nothing and the table's defaults stand.
  p_start_stage text, p_start_step text, p_start_reason text,
  -- A satisfaction score the item carries, with its comment (the caller parses the text), or null.
  -- Given outright (a call log's csatScore) it is the conversation's; otherwise the item is a
  -- possible survey answer, which counts only on a resolved conversation awaiting one.
  p_csat_score smallint, p_csat_comment text, p_csat_given boolean,
  -- The day (the worker's clock) on which to read what the attrition signs at ingest read
  -- (retention_ingest_facts), or null when the item can reveal none: a complaint's evaluation
  -- then costs no round trip of its own.
  p_facts_day date
) RETURNS TABLE (
  r_interaction_id uuid,
  r_customer_id uuid, r_customer_name text, r_lifecycle_stage text, r_acquisition_step text,
  r_customer_created_at timestamptz, r_identities json, r_customer_created boolean,
  r_conversation_id uuid, r_status text, r_assignee_id uuid, r_last_interaction_at timestamptz,
  r_last_interaction_preview text, r_unread_count integer,
  -- v3: the rest of the customer, so the retention step can tell from this row alone whether
  -- the item can move anything, and the customer's event is whole without another read.
  r_account_id uuid, r_stage_before_risk text,
  r_csat_score smallint, r_csat_comment text, r_csat_responded_at timestamptz, r_csat_recorded boolean,
  -- v4: retention_ingest_facts' row as of p_facts_day, null without it. One column, not nine:
  -- the driver sets up each column of every result, and most items ask for no facts.
  r_facts json
) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  customer customers%ROWTYPE;
  created boolean := false;
  conversation conversations%ROWTYPE;
  answered_id uuid;
  inbound boolean := p_direction = 'inbound';
  csat_recorded boolean := false;
BEGIN
  -- The id is derived from the channel and the idempotency key (interactionIdOf), so its primary
  -- key answers "stored already?". Asked by (channel, idempotency_key), a plan cached while the
  -- table was empty walked the (channel, external_id) index instead, for good; should an id ever
  -- not match its key, the unique key still refuses the insert and the caller reads a duplicate.
  PERFORM 1 FROM interactions WHERE id = p_interaction_id;
  IF FOUND THEN
    RETURN;
  END IF;

  SELECT c.* INTO customer FROM customer_identities i JOIN customers c ON c.id = i.customer_id
   WHERE i.channel = p_identity_channel AND i.address = p_identity_address;
  IF NOT FOUND THEN
    IF p_start_reason IS NULL THEN
      INSERT INTO customers (name) VALUES (p_customer_name) RETURNING * INTO customer;
    ELSE
      INSERT INTO customers (name, lifecycle_stage, acquisition_step) VALUES (p_customer_name, p_start_stage, p_start_step)
      RETURNING * INTO customer;
    END IF;
    INSERT INTO customer_identities (customer_id, channel, address)
         VALUES (customer.id, p_identity_channel, p_identity_address)
    ON CONFLICT (channel, address) DO NOTHING;
    created := FOUND;
    IF created AND p_start_reason IS NOT NULL THEN
      INSERT INTO customer_lifecycle_changes (customer_id, stage, acquisition_step, reason, occurred_at)
           VALUES (customer.id, p_start_stage, p_start_step, p_start_reason, p_occurred_at);
    END IF;
    IF NOT created THEN
      -- A concurrent call created this identity's customer first: drop ours, use theirs.
      DELETE FROM customers WHERE id = customer.id;
      SELECT c.* INTO customer FROM customer_identities i JOIN customers c ON c.id = i.customer_id
       WHERE i.channel = p_identity_channel AND i.address = p_identity_address;
    END IF;
  ELSIF p_customer_name IS NOT NULL AND customer.name IS NULL THEN
    UPDATE customers SET name = p_customer_name, updated_at = now() WHERE id = customer.id RETURNING * INTO customer;
  END IF;

  -- A reply to one of the customer's earlier messages belongs to that message's conversation,
  -- resolved or not: it reopens it. Its thread key then names the item's thread.
  IF NOT created AND cardinality(p_reply_to) > 0 THEN
    SELECT i.conversation_id INTO answered_id FROM interactions i
     WHERE i.channel = p_channel AND i.external_id = ANY(p_reply_to) AND i.customer_id = customer.id
     ORDER BY i.occurred_at DESC LIMIT 1;
    IF answered_id IS NOT NULL THEN
      SELECT cv.thread_key INTO p_thread_key FROM conversations cv WHERE cv.id = answered_id;
    END IF;
  END IF;

  -- The answer to a satisfaction survey sent within the last 7 days joins the resolved conversation
  -- it answers and leaves it resolved. Only items that read as a score look (most cost nothing), and
  -- only while the thread has no unresolved conversation: a customer who wrote about something
  -- else since is not answering the survey.
  IF p_csat_score IS NOT NULL AND NOT p_csat_given AND NOT created AND inbound THEN
    UPDATE conversations cv SET
      csat_score = p_csat_score, csat_comment = p_csat_comment, csat_responded_at = p_occurred_at,
      last_interaction_preview = CASE WHEN p_occurred_at >= cv.last_interaction_at THEN p_preview ELSE cv.last_interaction_preview END,
      last_interaction_at = GREATEST(cv.last_interaction_at, p_occurred_at),
      updated_at = now()
    WHERE cv.id = (
      SELECT s.id FROM conversations s
       WHERE s.customer_id = customer.id AND s.channel = p_channel
         AND (s.id = answered_id OR (answered_id IS NULL AND s.thread_key = p_thread_key))
         AND s.survey_sent_at IS NOT NULL AND s.csat_score IS NULL AND s.status = 'resolved'
         AND s.survey_sent_at <= p_occurred_at AND s.survey_sent_at > p_occurred_at - interval '7 days'
         AND NOT EXISTS (SELECT 1 FROM conversations o WHERE o.customer_id = s.customer_id AND o.channel = s.channel
                            AND o.thread_key = s.thread_key AND o.status <> 'resolved')
       ORDER BY s.survey_sent_at DESC LIMIT 1)
    RETURNING * INTO conversation;
    csat_recorded := conversation.id IS NOT NULL;
  END IF;

  -- Find or open the unresolved conversation of this thread. An inbound item reopens a pending or
  -- snoozed one and counts as unread; a late item never rewinds the preview.
  IF answered_id IS NOT NULL AND conversation.id IS NULL THEN
    UPDATE conversations cv SET
      status = CASE WHEN inbound THEN 'open' ELSE cv.status END,
      last_interaction_preview = CASE WHEN cv.last_interaction_at IS NULL OR p_occurred_at >= cv.last_interaction_at
                                      THEN p_preview ELSE cv.last_interaction_preview END,
      last_interaction_at = GREATEST(cv.last_interaction_at, p_occurred_at),
      unread_count = cv.unread_count + CASE WHEN inbound THEN 1 ELSE 0 END,
      updated_at = now()
    WHERE cv.id = answered_id
      -- Reopening must not make a second unresolved conversation of the same thread.
      AND (cv.status <> 'resolved' OR NOT EXISTS (
            SELECT 1 FROM conversations o WHERE o.customer_id = cv.customer_id AND o.channel = cv.channel
               AND o.thread_key = cv.thread_key AND o.status <> 'resolved'))
    RETURNING * INTO conversation;
  END IF;
  IF conversation.id IS NULL THEN
    INSERT INTO conversations AS cv (customer_id, channel, thread_key, status, last_interaction_at, last_interaction_preview, unread_count)
         VALUES (customer.id, p_channel, p_thread_key, 'open', p_occurred_at, p_preview, CASE WHEN inbound THEN 1 ELSE 0 END)
    ON CONFLICT (customer_id, channel, thread_key) WHERE status <> 'resolved' DO UPDATE SET
      status = CASE WHEN inbound THEN 'open' ELSE cv.status END,
      last_interaction_preview = CASE WHEN cv.last_interaction_at IS NULL OR EXCLUDED.last_interaction_at >= cv.last_interaction_at
                                      THEN EXCLUDED.last_interaction_preview ELSE cv.last_interaction_preview END,
      last_interaction_at = GREATEST(cv.last_interaction_at, EXCLUDED.last_interaction_at),
      unread_count = cv.unread_count + EXCLUDED.unread_count,
      updated_at = now()
    RETURNING * INTO conversation;
  END IF;

  INSERT INTO interactions (id, customer_id, conversation_id, channel, direction, kind, text, subject, occurred_at,
                            external_id, idempotency_key, intent, metadata)
       VALUES (p_interaction_id, customer.id, conversation.id, p_channel, p_direction, p_kind, p_text, p_subject, p_occurred_at,
               p_external_id, p_idempotency_key, p_intent, p_metadata);

  -- A score given outright (on a call) is its conversation's, whatever the conversation's status.
  IF p_csat_score IS NOT NULL AND p_csat_given THEN
    UPDATE conversations SET csat_score = p_csat_score, csat_comment = p_csat_comment, csat_responded_at = p_occurred_at,
                             updated_at = now()
     WHERE id = conversation.id RETURNING * INTO conversation;
    csat_recorded := true;
  END IF;

  -- Metrics count messages and calls, not internal notes.
  IF p_kind <> 'note' THEN
    INSERT INTO customer_activity_daily (customer_id, day, channel, count, complaints, enquiries)
         VALUES (customer.id, (p_occurred_at AT TIME ZONE 'UTC')::date, p_channel, 1,
                 CASE WHEN p_intent = 'complaint' THEN 1 ELSE 0 END, CASE WHEN p_intent = 'enquiry' THEN 1 ELSE 0 END)
    ON CONFLICT (customer_id, day, channel) DO UPDATE SET
      count = customer_activity_daily.count + 1,
      complaints = customer_activity_daily.complaints + EXCLUDED.complaints,
      enquiries = customer_activity_daily.enquiries + EXCLUDED.enquiries;
  END IF;

  -- Assigned one by one, then RETURN NEXT: a RETURN QUERY here was planned afresh on a quarter of
  -- the calls; these are simple expressions and one cached look-up.
  r_interaction_id := p_interaction_id;
  r_customer_id := customer.id;
  r_customer_name := customer.name;
  r_lifecycle_stage := customer.lifecycle_stage;
  r_acquisition_step := customer.acquisition_step;
  r_customer_created_at := customer.created_at;
  IF created THEN
    r_identities := json_build_array(json_build_object('channel', p_identity_channel, 'address', p_identity_address));
  ELSE
    SELECT json_agg(json_build_object('channel', i.channel, 'address', i.address) ORDER BY i.created_at) INTO r_identities
      FROM customer_identities i WHERE i.customer_id = customer.id;
  END IF;
  r_customer_created := created;
  r_conversation_id := conversation.id;
  r_status := conversation.status;
  r_assignee_id := conversation.assignee_id;
  r_last_interaction_at := conversation.last_interaction_at;
  r_last_interaction_preview := conversation.last_interaction_preview;
  r_unread_count := conversation.unread_count;
  r_account_id := customer.account_id;
  r_stage_before_risk := customer.stage_before_risk;
  r_csat_score := conversation.csat_score;
  r_csat_comment := conversation.csat_comment;
  r_csat_responded_at := conversation.csat_responded_at;
  r_csat_recorded := csat_recorded;
  IF p_facts_day IS NOT NULL THEN
    SELECT to_json(f) INTO r_facts FROM retention_ingest_facts(customer.id, p_facts_day) f;
  END IF;
  RETURN NEXT;
END
$fn$;

-- The previous releases' signatures, for workers not yet upgraded. v3 returns what it returned
-- before: no facts.
CREATE OR REPLACE FUNCTION ingest_interaction_v3(
  p_interaction_id uuid,
  p_identity_channel text, p_identity_address text, p_customer_name text,
  p_channel text, p_direction text, p_kind text, p_text text, p_subject text,
  p_occurred_at timestamptz, p_external_id text, p_idempotency_key text,
  p_intent text, p_metadata jsonb, p_preview text, p_thread_key text, p_reply_to text[],
  p_start_stage text, p_start_step text, p_start_reason text,
  p_csat_score smallint, p_csat_comment text, p_csat_given boolean
) RETURNS TABLE (
  r_interaction_id uuid,
  r_customer_id uuid, r_customer_name text, r_lifecycle_stage text, r_acquisition_step text,
  r_customer_created_at timestamptz, r_identities json, r_customer_created boolean,
  r_conversation_id uuid, r_status text, r_assignee_id uuid, r_last_interaction_at timestamptz,
  r_last_interaction_preview text, r_unread_count integer,
  r_account_id uuid, r_stage_before_risk text,
  r_csat_score smallint, r_csat_comment text, r_csat_responded_at timestamptz, r_csat_recorded boolean
) LANGUAGE sql AS $fn$
  SELECT v.r_interaction_id, v.r_customer_id, v.r_customer_name, v.r_lifecycle_stage, v.r_acquisition_step,
         v.r_customer_created_at, v.r_identities, v.r_customer_created, v.r_conversation_id, v.r_status,
         v.r_assignee_id, v.r_last_interaction_at, v.r_last_interaction_preview, v.r_unread_count,
         v.r_account_id, v.r_stage_before_risk, v.r_csat_score, v.r_csat_comment, v.r_csat_responded_at, v.r_csat_recorded
    FROM ingest_interaction_v4(p_interaction_id, p_identity_channel, p_identity_address, p_customer_name,
      p_channel, p_direction, p_kind, p_text, p_subject, p_occurred_at, p_external_id, p_idempotency_key,
      p_intent, p_metadata, p_preview, p_thread_key, p_reply_to, p_start_stage, p_start_step, p_start_reason,
      p_csat_score, p_csat_comment, p_csat_given, NULL) v;
$fn$;

-- v2 (thread keys, the id from the edge) returns what it returned before: no start, no
-- satisfaction score.
CREATE OR REPLACE FUNCTION ingest_interaction_v2(
  p_interaction_id uuid,
  p_identity_channel text, p_identity_address text, p_customer_name text,
  p_channel text, p_direction text, p_kind text, p_text text, p_subject text,
  p_occurred_at timestamptz, p_external_id text, p_idempotency_key text,
  p_intent text, p_metadata jsonb, p_preview text, p_thread_key text, p_reply_to text[]
) RETURNS TABLE (
  r_interaction_id uuid,
  r_customer_id uuid, r_customer_name text, r_lifecycle_stage text, r_acquisition_step text,
  r_customer_created_at timestamptz, r_identities json, r_customer_created boolean,
  r_conversation_id uuid, r_status text, r_assignee_id uuid, r_last_interaction_at timestamptz,
  r_last_interaction_preview text, r_unread_count integer
) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  -- Its callers' ids need not follow from the key (ingest_interaction's are random), and v3 asks
  -- by id: a redelivery is found by its key here, so it stays a duplicate, not a unique_violation.
  PERFORM 1 FROM interactions i WHERE i.channel = p_channel AND i.idempotency_key = p_idempotency_key;
  IF FOUND THEN
    RETURN;
  END IF;
  RETURN QUERY
  SELECT v.r_interaction_id, v.r_customer_id, v.r_customer_name, v.r_lifecycle_stage, v.r_acquisition_step,
         v.r_customer_created_at, v.r_identities, v.r_customer_created, v.r_conversation_id, v.r_status,
         v.r_assignee_id, v.r_last_interaction_at, v.r_last_interaction_preview, v.r_unread_count
    FROM ingest_interaction_v3(p_interaction_id, p_identity_channel, p_identity_address, p_customer_name,
      p_channel, p_direction, p_kind, p_text, p_subject, p_occurred_at, p_external_id, p_idempotency_key,
      p_intent, p_metadata, p_preview, p_thread_key, p_reply_to, NULL, NULL, NULL, NULL, NULL, false) v;
END
$fn$;

-- The signature before that (migration IngestFunction), kept for the same reason:
-- the id is made here and the item joins its channel's single thread.
CREATE OR REPLACE FUNCTION ingest_interaction(
  p_identity_channel text, p_identity_address text, p_customer_name text,
  p_channel text, p_direction text, p_kind text, p_text text, p_subject text,
  p_occurred_at timestamptz, p_external_id text, p_idempotency_key text,
  p_intent text, p_metadata jsonb, p_preview text
) RETURNS TABLE (
  r_interaction_id uuid,
  r_customer_id uuid, r_customer_name text, r_lifecycle_stage text, r_acquisition_step text,
  r_customer_created_at timestamptz, r_identities json, r_customer_created boolean,
  r_conversation_id uuid, r_status text, r_assignee_id uuid, r_last_interaction_at timestamptz,
  r_last_interaction_preview text, r_unread_count integer
) LANGUAGE sql AS $fn$
  SELECT * FROM ingest_interaction_v2(gen_random_uuid(), p_identity_channel, p_identity_address, p_customer_name,
    p_channel, p_direction, p_kind, p_text, p_subject, p_occurred_at, p_external_id, p_idempotency_key,
    p_intent, p_metadata, p_preview, '', '{}'::text[]);
$fn$;

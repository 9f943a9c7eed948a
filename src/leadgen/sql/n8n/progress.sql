-- Progress Store: pipeline_runs replaces the workflow's staticData. staticData is saved only
-- when an execution ends and the last writer wins
-- (https://docs.n8n.io/code/cookbook/builtin/get-workflow-static-data/); a row updated with
-- `x = x + $n` is exact under any number of concurrent workers, and every change is announced
-- on channel `pipeline_runs` (migration 0006) for live dashboards.

-- name: start_run^
-- step: Progress Store › Start run
-- Opens a run for a batch (by name) and owner (by name; both optional), with its totals.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 execution_id text <- $execution.id
-- $3 batch_name text <- $json.batch_name ?? null
-- $4 owner_name text <- $json.owner_name ?? null
-- $5 total_companies int <- $json.total_companies ?? 0
-- $6 total_contacts int <- $json.total_contacts ?? 0
-- $7 config jsonb <- JSON.stringify($json.config ?? {})
-- returns: one row {run_id, status, batch_id, owner_id, total_companies, total_contacts, started_at}
INSERT INTO pipeline_runs (tenant_id, execution_id, batch_id, owner_id, total_companies,
                           total_contacts, config)
SELECT $1::uuid, $2::text,
       (SELECT b.id FROM batches b WHERE b.tenant_id = $1::uuid AND b.name = $3::text),
       (SELECT o.id FROM owners o WHERE o.tenant_id = $1::uuid AND o.name = $4::text
         ORDER BY o.created_at, o.id LIMIT 1),
       COALESCE($5::int, 0), COALESCE($6::int, 0), COALESCE($7::jsonb, '{}'::jsonb)
RETURNING id AS run_id, status, batch_id, owner_id, total_companies, total_contacts, started_at;

-- name: set_run_totals^
-- step: Progress Store › Set totals
-- Records how much work each stage has once the orchestrator knows; nulls keep what is stored.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 run_id uuid <- $json.run_id
-- $3 l1_total int <- $json.l1_total ?? null
-- $4 l2_total int <- $json.l2_total ?? null
-- $5 person_total int <- $json.person_total ?? null
-- $6 total_companies int <- $json.total_companies ?? null
-- $7 total_contacts int <- $json.total_contacts ?? null
-- returns: zero or one row {run_id, l1_total, l2_total, person_total, total_companies, total_contacts}
UPDATE pipeline_runs SET
  l1_total = COALESCE($3::int, l1_total),
  l2_total = COALESCE($4::int, l2_total),
  person_total = COALESCE($5::int, person_total),
  total_companies = COALESCE($6::int, total_companies),
  total_contacts = COALESCE($7::int, total_contacts)
WHERE tenant_id = $1::uuid AND id = $2::uuid
RETURNING id AS run_id, l1_total, l2_total, person_total, total_companies, total_contacts;

-- name: add_progress^
-- step: Progress Store › Add progress
-- Adds to the counters in a single UPDATE … SET x = x + $n: the row lock serialises concurrent
-- workers, so no increment is lost (a read-then-write would lose them).
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 run_id uuid <- $json.run_id
-- $3 l1_done int <- $json.l1_done ?? 0
-- $4 l2_done int <- $json.l2_done ?? 0
-- $5 person_done int <- $json.person_done ?? 0
-- $6 cost_usd numeric <- $json.cost_usd ?? 0
-- returns: zero or one row {run_id, status, l1_done, l1_total, l2_done, l2_total, person_done, person_total, cost_usd, updated_at}
UPDATE pipeline_runs SET
  l1_done = COALESCE(l1_done, 0) + COALESCE($3::int, 0),
  l2_done = COALESCE(l2_done, 0) + COALESCE($4::int, 0),
  person_done = COALESCE(person_done, 0) + COALESCE($5::int, 0),
  cost_usd = COALESCE(cost_usd, 0) + COALESCE($6::numeric, 0)
WHERE tenant_id = $1::uuid AND id = $2::uuid
RETURNING id AS run_id, status, l1_done, l1_total, l2_done, l2_total, person_done, person_total,
          cost_usd, updated_at;

-- name: finish_run^
-- step: Progress Store › Finish run
-- Marks a running run completed; a run already finished or failed is left as it is (no row).
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 run_id uuid <- $json.run_id
-- returns: zero or one row {run_id, status, completed_at, l1_done, l2_done, person_done, cost_usd}
UPDATE pipeline_runs SET status = 'completed', completed_at = now()
WHERE tenant_id = $1::uuid AND id = $2::uuid AND status = 'running'
RETURNING id AS run_id, status, completed_at, l1_done, l2_done, person_done, cost_usd;

-- name: fail_run^
-- step: Progress Store › Fail run
-- Marks a running run failed and keeps the reason in config.error.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 run_id uuid <- $json.run_id
-- $3 error text <- $json.error ?? 'failed'
-- returns: zero or one row {run_id, status, completed_at, error}
UPDATE pipeline_runs SET status = 'failed', completed_at = now(),
  config = COALESCE(config, '{}'::jsonb) || jsonb_build_object('error', $3::text)
WHERE tenant_id = $1::uuid AND id = $2::uuid AND status = 'running'
RETURNING id AS run_id, status, completed_at, config ->> 'error' AS error;

-- name: get_run^
-- step: Progress Store › Get progress
-- One run as the progress webhook returns it.
-- $1 tenant_id uuid <- $json.query.tenant_id
-- $2 run_id uuid <- $json.query.run_id
-- returns: zero or one row {run_id, status, execution_id, batch_name, l1_done, l1_total, l2_done, l2_total, person_done, person_total, cost_usd, started_at, completed_at, updated_at}
SELECT r.id AS run_id, r.status, r.execution_id, b.name AS batch_name, r.l1_done, r.l1_total,
       r.l2_done, r.l2_total, r.person_done, r.person_total, r.cost_usd, r.started_at,
       r.completed_at, r.updated_at
FROM pipeline_runs r
LEFT JOIN batches b ON b.tenant_id = r.tenant_id AND b.id = r.batch_id
WHERE r.tenant_id = $1::uuid AND r.id = $2::uuid;

-- name: finish_run_if_done^
-- step: Progress Store › Finish run when every stage is done
-- Completes a running run once each stage's done count has reached its total; until then (or
-- when the run is already finished) no row. Safe to call after every stage: only the last
-- one to finish completes the run, in whatever order the stages end.
-- $1 tenant_id uuid <- $json.tenant_id
-- $2 run_id uuid <- $json.run_id
-- returns: zero or one row {run_id, status, completed_at, l1_done, l2_done, person_done, cost_usd}
UPDATE pipeline_runs SET status = 'completed', completed_at = now()
WHERE tenant_id = $1::uuid AND id = $2::uuid AND status = 'running'
  AND COALESCE(l1_done, 0) >= COALESCE(l1_total, 0)
  AND COALESCE(l2_done, 0) >= COALESCE(l2_total, 0)
  AND COALESCE(person_done, 0) >= COALESCE(person_total, 0)
RETURNING id AS run_id, status, completed_at, l1_done, l2_done, person_done, cost_usd;

-- Pipeline runs: started by the API, advanced by n8n, streamed to the dashboard.

-- name: run_doc$
SELECT row_to_json(x)::text FROM (
  SELECT r.id, r.batch_id, b.name AS batch_name, r.owner_id, r.execution_id, r.status,
         r.total_companies, r.total_contacts, r.l1_total, r.l1_done, r.l2_total, r.l2_done,
         r.person_total, r.person_done, r.cost_usd::float8 AS cost_usd, r.error,
         r.started_at, r.completed_at, r.updated_at
    FROM pipeline_runs r
    LEFT JOIN batches b ON b.tenant_id = r.tenant_id AND b.id = r.batch_id
   WHERE r.tenant_id = :tenant_id AND r.id = :run_id) x;

-- name: list_runs$
SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.started_at DESC, x.id), '[]')::text FROM (
  SELECT r.id, r.batch_id, b.name AS batch_name, r.owner_id, r.execution_id, r.status,
         r.total_companies, r.total_contacts, r.l1_total, r.l1_done, r.l2_total, r.l2_done,
         r.person_total, r.person_done, r.cost_usd::float8 AS cost_usd, r.error,
         r.started_at, r.completed_at, r.updated_at
    FROM pipeline_runs r
    LEFT JOIN batches b ON b.tenant_id = r.tenant_id AND b.id = r.batch_id
   WHERE r.tenant_id = :tenant_id
   ORDER BY r.started_at DESC, r.id LIMIT :limit) x;

-- name: webhook_settings^
SELECT t.slug, t.settings -> 'n8n' ->> 'webhook_url' AS webhook_url,
       t.settings -> 'n8n' ->> 'webhook_secret' AS webhook_secret
  FROM tenants t WHERE t.id = :tenant_id;

-- name: create_run^
-- A run of one of our batches for one of our owners; NULL when either is not ours.
INSERT INTO pipeline_runs (tenant_id, batch_id, owner_id, total_companies, total_contacts,
                           config)
SELECT :tenant_id, b.id, o.id,
       (SELECT count(*) FROM companies co WHERE co.tenant_id = :tenant_id AND co.batch_id = b.id),
       (SELECT count(*) FROM contacts ct WHERE ct.tenant_id = :tenant_id AND ct.batch_id = b.id),
       json_build_object('started_by', :actor::text)::jsonb
  FROM batches b, owners o
 WHERE b.tenant_id = :tenant_id AND b.id = :batch_id
   AND o.tenant_id = :tenant_id AND o.id = :owner_id
RETURNING id, (SELECT name FROM batches WHERE tenant_id = :tenant_id AND id = :batch_id)
              AS batch_name,
          (SELECT name FROM owners WHERE tenant_id = :tenant_id AND id = :owner_id)
              AS owner_name;

-- name: fail_run!
UPDATE pipeline_runs SET status = 'failed', error = :error, completed_at = now()
 WHERE tenant_id = :tenant_id AND id = :run_id;

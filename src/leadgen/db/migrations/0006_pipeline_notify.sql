-- 0006: every change to a pipeline run is announced on channel `pipeline_runs`, whoever makes
-- it (the API starting a run, n8n workers adding progress), so the API can stream live
-- progress to the dashboard without polling. The payload names the tenant, so a listener
-- forwards an event only to that tenant's subscribers, and then reads the row under RLS.
CREATE FUNCTION notify_pipeline_run() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pipeline_runs',
    json_build_object('tenant_id', NEW.tenant_id, 'run_id', NEW.id, 'status', NEW.status)::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER trg_pipeline_runs_notify AFTER INSERT OR UPDATE ON pipeline_runs
  FOR EACH ROW EXECUTE FUNCTION notify_pipeline_run();

-- Each agent writes only as itself, and reports its health.
--
-- A host is bound to the login that first reported it. Another login writing events or
-- heartbeats in that host's name is refused, and the attempt is recorded for the detector
-- (audit_tamper), so one compromised host cannot hide another's silence or poison its peers'
-- baselines. Logins granted herdwatch_replay may write for any host (replaying archived logs,
-- scanning on a host's behalf); every row still records which login stored it.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herdwatch_replay') THEN
        CREATE ROLE herdwatch_replay NOLOGIN;
    END IF;
-- Created meanwhile by a concurrent migration of another database of this cluster.
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
GRANT USAGE ON SCHEMA herdwatch TO herdwatch_replay;

ALTER TABLE herdwatch.hosts
    ADD COLUMN bound_login name,
    ADD COLUMN agent_version text,
    ADD COLUMN last_heartbeat timestamptz,
    ADD COLUMN kernel_lost bigint,
    ADD COLUMN spool_bytes bigint,
    ADD COLUMN spool_dropped_events bigint;

-- What the database noticed about who writes as which host.
CREATE TABLE herdwatch.host_identity_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    -- foreign_host_refused: a login wrote as a host bound to another login (refused).
    -- hostname_changed: a machine id known under one name reported under another.
    kind text NOT NULL CHECK (kind IN ('foreign_host_refused', 'hostname_changed')),
    login name NOT NULL,
    hostname text NOT NULL,
    machine_id text,
    -- The host's bound login (refusals) or the earlier hostname (changes).
    other text
);
CREATE INDEX host_identity_events_by_time ON herdwatch.host_identity_events (at);

-- One row per agent heartbeat (every 30 s by default).
CREATE TABLE herdwatch.heartbeats (
    host_id bigint NOT NULL REFERENCES herdwatch.hosts (id),
    at timestamptz NOT NULL DEFAULT now(),
    boot_id uuid,
    stored_by name NOT NULL DEFAULT session_user,
    -- version, config_digest, rules_digest, audit_enabled, audit_pid, kernel_lost,
    -- kernel_backlog, serial_gaps, malformed, spool_bytes, spool_dropped_events,
    -- events_shipped, future_events, started_at, rules_reloaded_at (see the agent's docs).
    report jsonb NOT NULL,
    PRIMARY KEY (host_id, at)
);

-- Resolves the host a login may write as, binding it on first report.
-- Returns the host id, or NULL when the write is refused (and recorded).
CREATE FUNCTION herdwatch.host_for_writer(p_hostname text, p_machine_id text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_name text := lower(p_hostname);
    v_login name := session_user;
    v_replay boolean := pg_has_role(session_user, 'herdwatch_replay', 'MEMBER');
    v_host herdwatch.hosts%ROWTYPE;
    v_previous text;
BEGIN
    IF v_name IS NULL OR v_name !~ '^[a-z0-9][a-z0-9._-]{0,252}$' THEN
        RAISE EXCEPTION 'invalid hostname' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO v_host FROM herdwatch.hosts WHERE name = v_name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO herdwatch.hosts (name, machine_id, bound_login)
        VALUES (v_name, p_machine_id, CASE WHEN v_replay THEN NULL ELSE v_login END)
        ON CONFLICT (name) DO NOTHING;
        SELECT * INTO v_host FROM herdwatch.hosts WHERE name = v_name FOR UPDATE;
        PERFORM herdwatch.resolve_host_roles(v_host.id);
        IF p_machine_id IS NOT NULL AND NOT v_replay THEN
            SELECT name INTO v_previous FROM herdwatch.hosts
            WHERE machine_id = p_machine_id AND id <> v_host.id ORDER BY last_report DESC NULLS LAST LIMIT 1;
            IF v_previous IS NOT NULL THEN
                INSERT INTO herdwatch.host_identity_events (kind, login, hostname, machine_id, other)
                VALUES ('hostname_changed', v_login, v_name, p_machine_id, v_previous);
            END IF;
        END IF;
        RETURN v_host.id;
    END IF;
    IF v_replay THEN
        RETURN v_host.id;
    END IF;
    IF v_host.bound_login IS NULL THEN
        UPDATE herdwatch.hosts SET bound_login = v_login, machine_id = coalesce(machine_id, p_machine_id)
        WHERE id = v_host.id;
        RETURN v_host.id;
    END IF;
    IF v_host.bound_login <> v_login THEN
        INSERT INTO herdwatch.host_identity_events (kind, login, hostname, machine_id, other)
        VALUES ('foreign_host_refused', v_login, v_name, p_machine_id, v_host.bound_login);
        RETURN NULL;
    END IF;
    RETURN v_host.id;
END
$$;
REVOKE ALL ON FUNCTION herdwatch.host_for_writer(text, text) FROM PUBLIC;

-- The merge, now honouring host binding. A refused batch is discarded and reported as
-- refused; the refusal itself is committed so the detector sees it.
DROP FUNCTION herdwatch.ingest_commit(text, text);
CREATE FUNCTION herdwatch.ingest_commit(p_hostname text, p_machine_id text DEFAULT NULL,
                                        OUT stored bigint, OUT duplicates bigint, OUT refused boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_host bigint;
    v_staged bigint;
    v_first timestamptz;
    v_last timestamptz;
BEGIN
    IF to_regclass('pg_temp.ingest_events') IS NULL THEN
        RAISE EXCEPTION 'call herdwatch.ingest_begin() first' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    v_host := herdwatch.host_for_writer(p_hostname, p_machine_id);
    IF v_host IS NULL THEN
        stored := 0;
        duplicates := 0;
        refused := true;
        TRUNCATE pg_temp.ingest_events;
        RETURN;
    END IF;
    refused := false;
    SELECT count(*), min(event_time), max(event_time) INTO v_staged, v_first, v_last FROM pg_temp.ingest_events;

    INSERT INTO herdwatch.events (host_id, boot_id, event_time, serial, kind, syscall, success, exit_code,
                                  pid, ppid, uid, euid, auid, session_id, exe, parent_exe, comm, argv, cwd,
                                  address, port, path, rule_key, account, result, detail, stored_by)
    SELECT v_host, boot_id, event_time, serial, kind, syscall, success, exit_code,
           pid, ppid, uid, euid, auid, session_id, exe, parent_exe, comm, argv, cwd,
           address, port, path, rule_key, account, result, detail, session_user
    FROM pg_temp.ingest_events
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS stored = ROW_COUNT;
    duplicates := v_staged - stored;

    -- Seen times come from event times; a host claiming the future cannot move last_seen
    -- past the present and so hide its later silence.
    UPDATE herdwatch.hosts
    SET first_seen = least(first_seen, v_first),
        last_seen = greatest(last_seen, least(v_last, now())),
        last_report = now()
    WHERE id = v_host;
    TRUNCATE pg_temp.ingest_events;
END
$$;
REVOKE ALL ON FUNCTION herdwatch.ingest_commit(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION herdwatch.ingest_commit(text, text) TO herdwatch_agent, herdwatch_service, herdwatch_replay;
GRANT EXECUTE ON FUNCTION herdwatch.ingest_begin() TO herdwatch_replay;

-- An agent's heartbeat. Returns false when refused (another login's host).
CREATE FUNCTION herdwatch.agent_heartbeat(p_hostname text, p_machine_id text, p_boot_id uuid, p_report jsonb)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_host bigint := herdwatch.host_for_writer(p_hostname, p_machine_id);
BEGIN
    IF v_host IS NULL THEN
        RETURN false;
    END IF;
    IF jsonb_typeof(p_report) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'the heartbeat report must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO herdwatch.heartbeats (host_id, boot_id, report) VALUES (v_host, p_boot_id, p_report)
    ON CONFLICT (host_id, at) DO NOTHING;
    UPDATE herdwatch.hosts
    SET last_heartbeat = now(),
        last_report = now(),
        agent_version = left(p_report->>'version', 64),
        kernel_lost = CASE WHEN p_report->>'kernel_lost' ~ '^[0-9]{1,18}$' THEN (p_report->>'kernel_lost')::bigint END,
        spool_bytes = CASE WHEN p_report->>'spool_bytes' ~ '^[0-9]{1,18}$' THEN (p_report->>'spool_bytes')::bigint END,
        spool_dropped_events = CASE WHEN p_report->>'spool_dropped_events' ~ '^[0-9]{1,18}$'
                                    THEN (p_report->>'spool_dropped_events')::bigint END
    WHERE id = v_host;
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION herdwatch.agent_heartbeat(text, text, uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION herdwatch.agent_heartbeat(text, text, uuid, jsonb) TO herdwatch_agent, herdwatch_replay;

GRANT SELECT, INSERT, UPDATE, DELETE ON herdwatch.host_identity_events, herdwatch.heartbeats TO herdwatch_service;

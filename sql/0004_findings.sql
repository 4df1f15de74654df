-- Findings: what the detector raises, grouped, with evidence and a triage history.
--
-- One finding per (role, kind, subject): every further host or event joins it, so a fleet-wide
-- deploy is one finding holding every host. `subject` is the term as text, one form per kind
-- (docs/findings.md). Hosts without a role are grouped under the empty role ''.

CREATE TABLE herdwatch.findings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('exec', 'lineage', 'connect', 'listen', 'login', 'file_change', 'file_drift',
                                        'host_silent', 'audit_tamper', 'event_loss', 'auth_failures')),
    subject text NOT NULL,
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive', 'accepted', 'snoozed')),
    snoozed_until timestamptz,
    severity integer NOT NULL CHECK (severity BETWEEN 0 AND 100),
    -- The baseline version the latest evidence was judged against (NULL for kinds judged
    -- without one: host_silent, audit_tamper, event_loss, auth_failures, file_drift).
    baseline_id bigint REFERENCES herdwatch.baselines (id) ON DELETE SET NULL,
    -- Hosts of the role when the finding last changed, for "on 1 of 8 web hosts".
    role_hosts integer NOT NULL DEFAULT 0,
    host_count integer NOT NULL DEFAULT 0,
    event_count bigint NOT NULL DEFAULT 0,
    -- Event time (or, for health kinds, the time the condition was observed).
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    -- Kind-specific facts (file hashes and metadata, drift majority, loss counters…).
    facts jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT findings_key UNIQUE (role, kind, subject)
);
CREATE INDEX findings_by_status ON herdwatch.findings (status, severity DESC, last_seen DESC);

CREATE TABLE herdwatch.finding_hosts (
    finding_id bigint NOT NULL REFERENCES herdwatch.findings (id) ON DELETE CASCADE,
    host_id bigint NOT NULL REFERENCES herdwatch.hosts (id) ON DELETE CASCADE,
    event_count bigint NOT NULL DEFAULT 0,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (finding_id, host_id)
);

-- A bounded set of evidence per finding: the detector keeps the oldest and the newest few.
-- `event` is the stored event in the shared event schema (herdwatch.event_document), plus
-- "host"; for health kinds, the heartbeat or identity record that showed the condition.
CREATE TABLE herdwatch.finding_evidence (
    finding_id bigint NOT NULL REFERENCES herdwatch.findings (id) ON DELETE CASCADE,
    -- 'event:<ingest_seq>', 'heartbeat:<host>:<time>', 'identity:<id>', …: one row per source.
    source text NOT NULL,
    host_id bigint,
    at timestamptz NOT NULL,
    event jsonb NOT NULL,
    PRIMARY KEY (finding_id, source)
);
CREATE INDEX finding_evidence_by_time ON herdwatch.finding_evidence (finding_id, at);

-- Every change of a finding: raised, joined by a host, escalated, reopened, and each triage
-- action with its actor.
CREATE TABLE herdwatch.finding_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id bigint NOT NULL REFERENCES herdwatch.findings (id) ON DELETE CASCADE,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL CHECK (action IN ('opened', 'host_joined', 'escalated', 'reopened', 'acknowledged', 'resolved',
                                           'false_positive', 'accepted', 'snoozed', 'unsnoozed', 'note')),
    from_status text,
    to_status text,
    note text,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX finding_history_by_finding ON herdwatch.finding_history (finding_id, id);

-- Alerts to send: one per new finding, escalation (severity rose or a new host joined) and
-- reopening, written in the same transaction as the change. Sinks record their deliveries.
CREATE TABLE herdwatch.alert_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id bigint NOT NULL REFERENCES herdwatch.findings (id) ON DELETE CASCADE,
    reason text NOT NULL CHECK (reason IN ('new', 'escalation', 'reopened')),
    severity integer NOT NULL,
    host_count integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE herdwatch.alert_deliveries (
    outbox_id bigint NOT NULL REFERENCES herdwatch.alert_outbox (id) ON DELETE CASCADE,
    sink text NOT NULL,
    -- delivered, dropped (rate limit or maintenance window ended with the finding closed), failed (gave up).
    outcome text NOT NULL CHECK (outcome IN ('delivered', 'dropped', 'failed')),
    attempts integer NOT NULL DEFAULT 1,
    at timestamptz NOT NULL DEFAULT now(),
    error text,
    PRIMARY KEY (outbox_id, sink)
);

-- Maintenance windows hold alerts (not findings) for a role or one host until ends_at.
CREATE TABLE herdwatch.maintenance_windows (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role text REFERENCES herdwatch.roles (name) ON DELETE CASCADE,
    host_id bigint REFERENCES herdwatch.hosts (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL DEFAULT now(),
    ends_at timestamptz NOT NULL,
    note text,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role IS NULL) <> (host_id IS NULL)),
    CHECK (ends_at > starts_at)
);

-- The detector's progress. Every event with ingest_seq <= through_seq has been judged, except
-- events of roles listed in detector_backlog (no active baseline when their turn came).
CREATE TABLE herdwatch.detector_watermark (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    through_seq bigint NOT NULL DEFAULT 0,
    updated_at timestamptz
);
INSERT INTO herdwatch.detector_watermark (singleton, through_seq) VALUES (true, 0);

-- Roles whose events after from_seq (up to the watermark) wait for an active baseline.
CREATE TABLE herdwatch.detector_backlog (
    role text PRIMARY KEY REFERENCES herdwatch.roles (name) ON DELETE CASCADE,
    from_seq bigint NOT NULL
);

-- What the health check last saw of each host's agent, to judge the next heartbeat against.
CREATE TABLE herdwatch.host_health_state (
    host_id bigint PRIMARY KEY REFERENCES herdwatch.hosts (id) ON DELETE CASCADE,
    heartbeat_at timestamptz NOT NULL,
    report jsonb NOT NULL
);

-- The health check's progress through host_identity_events.
CREATE TABLE herdwatch.health_watermark (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    identity_event_id bigint NOT NULL DEFAULT 0
);
INSERT INTO herdwatch.health_watermark (singleton) VALUES (true);

-- A stored event in the shared event schema (the schema `herdwatch-agent parse` prints):
-- the typed columns merged back into the detail they were taken out of, plus the host name.
CREATE FUNCTION herdwatch.event_document(e herdwatch.events, p_host text) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT coalesce(e.detail, '{}'::jsonb)
        || jsonb_strip_nulls(jsonb_build_object(
               'schema', 1,
               'host', p_host,
               'time', to_char(e.event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'time_ms', (extract(epoch FROM e.event_time) * 1000)::bigint,
               'serial', e.serial,
               'kind', e.kind,
               'success', e.success,
               'ingest_seq', e.ingest_seq))
        || CASE WHEN e.syscall IS NULL AND e.exit_code IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('syscall',
               coalesce(e.detail -> 'syscall', '{}'::jsonb)
               || jsonb_strip_nulls(jsonb_build_object('name', e.syscall, 'exit', e.exit_code))) END
        || jsonb_build_object('process',
               coalesce(e.detail -> 'process', '{}'::jsonb)
               || jsonb_strip_nulls(jsonb_build_object('pid', e.pid, 'ppid', e.ppid, 'comm', e.comm, 'exe', e.exe,
                                                       'parent_exe', e.parent_exe, 'argv', to_jsonb(e.argv), 'cwd', e.cwd)))
        || jsonb_build_object('user',
               coalesce(e.detail -> 'user', '{}'::jsonb)
               || jsonb_strip_nulls(jsonb_build_object('uid', e.uid, 'euid', e.euid, 'auid', e.auid, 'ses', e.session_id)))
        || CASE WHEN e.address IS NULL AND e.port IS NULL AND NOT (e.detail ? 'socket') THEN '{}'::jsonb
                ELSE jsonb_build_object('socket', coalesce(e.detail -> 'socket', '{}'::jsonb)
                     || jsonb_strip_nulls(jsonb_build_object('address', host(e.address), 'port', e.port))) END
        || CASE WHEN e.rule_key IS NULL OR e.detail ? 'keys' THEN '{}'::jsonb
                ELSE jsonb_build_object('keys', jsonb_build_array(e.rule_key)) END
        || CASE WHEN e.account IS NULL AND e.result IS NULL AND NOT (e.detail ? 'user_message') THEN '{}'::jsonb
                ELSE jsonb_build_object('user_message', coalesce(e.detail -> 'user_message', '{}'::jsonb)
                     || jsonb_strip_nulls(jsonb_build_object('acct', e.account, 'res', e.result))) END
$$;

-- The label of a severity score; the same bands as the Findings module's Severity.Label
-- (a test checks they agree).
CREATE FUNCTION herdwatch.severity_label(p_score integer) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE WHEN p_score < 40 THEN 'low' WHEN p_score < 70 THEN 'medium' WHEN p_score < 90 THEN 'high' ELSE 'critical' END
$$;

-- A finding in the form `findings list --json` prints (docs/findings.md): the contract for scripts.
CREATE FUNCTION herdwatch.finding_document(p_id bigint, p_evidence boolean DEFAULT true) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT jsonb_build_object(
        'id', f.id,
        'kind', f.kind,
        'role', nullif(f.role, ''),
        'subject', f.subject,
        'hosts', coalesce((SELECT jsonb_agg(h.name ORDER BY h.name) FROM herdwatch.finding_hosts fh
                           JOIN herdwatch.hosts h ON h.id = fh.host_id WHERE fh.finding_id = f.id), '[]'::jsonb),
        'host_count', f.host_count,
        'prevalence', jsonb_build_object('hosts', f.host_count, 'role_hosts', f.role_hosts),
        'event_count', f.event_count,
        'first_seen', to_char(f.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'last_seen', to_char(f.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'status', f.status,
        'snoozed_until', to_char(f.snoozed_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'severity', jsonb_build_object('score', f.severity, 'label', herdwatch.severity_label(f.severity)),
        'baseline_version', f.baseline_id,
        'facts', f.facts,
        'evidence', CASE WHEN p_evidence THEN coalesce((SELECT jsonb_agg(e.event ORDER BY e.at, e.source)
                                                        FROM herdwatch.finding_evidence e WHERE e.finding_id = f.id), '[]'::jsonb)
                         ELSE '[]'::jsonb END)
    FROM herdwatch.findings f WHERE f.id = p_id
$$;

-- Detection reacts to new events within a second: the ingest merge notifies the detector.
CREATE OR REPLACE FUNCTION herdwatch.ingest_commit(p_hostname text, p_machine_id text DEFAULT NULL,
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
        PERFORM pg_notify('herdwatch_health', '');
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

    UPDATE herdwatch.hosts
    SET first_seen = least(first_seen, v_first),
        last_seen = greatest(last_seen, least(v_last, now())),
        last_report = now()
    WHERE id = v_host;
    TRUNCATE pg_temp.ingest_events;
    IF stored > 0 THEN
        -- Delivered at commit; identical payloads in one transaction are sent once.
        PERFORM pg_notify('herdwatch_events', '');
    END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON herdwatch.findings, herdwatch.finding_hosts, herdwatch.finding_evidence,
    herdwatch.finding_history, herdwatch.alert_outbox, herdwatch.alert_deliveries, herdwatch.maintenance_windows,
    herdwatch.detector_watermark, herdwatch.detector_backlog, herdwatch.host_health_state, herdwatch.health_watermark
    TO herdwatch_service;
GRANT EXECUTE ON FUNCTION herdwatch.event_document(herdwatch.events, text) TO herdwatch_service;
GRANT EXECUTE ON FUNCTION herdwatch.severity_label(integer), herdwatch.finding_document(bigint, boolean) TO herdwatch_service;

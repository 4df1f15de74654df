-- Herdwatch foundation: database roles, fleet roles and hosts, the events table and the
-- ingest path that agents use to write into it.
--
-- Applied by `herdwatch migrate` inside one transaction. Cluster-wide roles are created only
-- when missing, so the first migration of a cluster needs a login with CREATEROLE; later
-- databases in the same cluster do not.

-- Database roles. herdwatch_agent may only call the ingest functions; herdwatch_service reads
-- and writes everything. Operators grant one of them to each login (see README).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herdwatch_agent') THEN
        CREATE ROLE herdwatch_agent NOLOGIN;
    END IF;
-- Created meanwhile by a concurrent migration of another database of this cluster.
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herdwatch_service') THEN
        CREATE ROLE herdwatch_service NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

REVOKE ALL ON SCHEMA herdwatch FROM PUBLIC;
GRANT USAGE ON SCHEMA herdwatch TO herdwatch_agent, herdwatch_service;

-- Fleet roles and the hostname patterns that assign hosts to them. A host never chooses its role.
CREATE TABLE herdwatch.roles (
    name text PRIMARY KEY CHECK (name ~ '^[a-z0-9_-]{1,63}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE herdwatch.role_patterns (
    role text NOT NULL REFERENCES herdwatch.roles (name) ON DELETE CASCADE,
    -- The shell glob as the operator wrote it (lower-case) and the anchored regular
    -- expression herdwatch derived from it, which is what matching uses.
    pattern text NOT NULL,
    regex text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (role, pattern)
);

CREATE TABLE herdwatch.hosts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- As the agent reported it or the operator registered it, lower-case.
    name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,252}$'),
    short_name text GENERATED ALWAYS AS (split_part(name, '.', 1)) STORED,
    machine_id text,
    -- Registered by `hosts add`: the fleet expects it, so its silence is noticed.
    registered boolean NOT NULL DEFAULT false,
    -- Resolved from role_patterns: every role whose pattern matches the short name. Exactly
    -- one is the host's role; more than one is a conflict and the host counts as unassigned.
    role_candidates text[] NOT NULL DEFAULT '{}',
    role text GENERATED ALWAYS AS (CASE WHEN cardinality(role_candidates) = 1 THEN role_candidates[1] END) STORED,
    first_seen timestamptz,
    last_seen timestamptz,
    last_report timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hosts_by_role ON herdwatch.hosts (role);

-- Recomputes role_candidates for one host (p_host) or for all (NULL).
-- Returns how many hosts changed.
CREATE FUNCTION herdwatch.resolve_host_roles(p_host bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, herdwatch AS $$
DECLARE
    v_changed bigint;
BEGIN
    WITH resolved AS (
        SELECT h.id,
               coalesce(array_agg(DISTINCT p.role ORDER BY p.role) FILTER (WHERE p.role IS NOT NULL), '{}') AS roles
        FROM herdwatch.hosts h
        LEFT JOIN herdwatch.role_patterns p ON h.short_name ~ p.regex
        WHERE p_host IS NULL OR h.id = p_host
        GROUP BY h.id
    )
    UPDATE herdwatch.hosts h SET role_candidates = r.roles
    FROM resolved r
    WHERE h.id = r.id AND h.role_candidates IS DISTINCT FROM r.roles;
    GET DIAGNOSTICS v_changed = ROW_COUNT;
    RETURN v_changed;
END
$$;

-- Events: one row per audit event (all records of one serial), partitioned by event time.
-- Typed columns hold what learning and detection read; `detail` holds the rest of the
-- normalized event. A default partition takes rows for which no range exists yet, so an
-- insert never fails; herdwatch.ensure_event_partitions() creates ranges and moves rows out.
CREATE SEQUENCE herdwatch.events_ingest_seq AS bigint;

CREATE TABLE herdwatch.events (
    ingest_seq bigint NOT NULL DEFAULT nextval('herdwatch.events_ingest_seq'),
    host_id bigint NOT NULL,
    boot_id uuid,
    event_time timestamptz NOT NULL,
    serial bigint NOT NULL,
    kind text NOT NULL,
    syscall text,
    success boolean,
    exit_code bigint,
    pid integer,
    ppid integer,
    uid bigint,
    euid bigint,
    auid bigint,
    session_id bigint,
    exe text,
    parent_exe text,
    comm text,
    argv text[],
    cwd text,
    address inet,
    port integer,
    path text,
    rule_key text,
    account text,
    result text,
    detail jsonb,
    stored_by name NOT NULL DEFAULT session_user,
    stored_at timestamptz NOT NULL DEFAULT now(),
    -- Re-ingesting the same audit event is a no-op. Replayed logs may carry no boot id, so
    -- NULLs compare equal here.
    CONSTRAINT events_event_key UNIQUE NULLS NOT DISTINCT (host_id, boot_id, event_time, serial)
) PARTITION BY RANGE (event_time);

CREATE TABLE herdwatch.events_default PARTITION OF herdwatch.events DEFAULT;
CREATE INDEX events_by_ingest_seq ON herdwatch.events (ingest_seq);
CREATE INDEX events_by_host_time ON herdwatch.events (host_id, event_time);

-- Creates daily partitions (UTC days) for [p_from, p_from + p_days) where missing, first
-- moving any rows of that day out of the default partition. Returns the partitions created.
CREATE FUNCTION herdwatch.ensure_event_partitions(p_from date, p_days integer) RETURNS setof text
LANGUAGE plpgsql SET search_path = pg_catalog, herdwatch AS $$
DECLARE
    v_day date;
    v_name text;
    v_lower timestamptz;
    v_upper timestamptz;
BEGIN
    FOR v_day IN SELECT generate_series(p_from, p_from + p_days - 1, interval '1 day')::date LOOP
        v_name := 'events_' || to_char(v_day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass('herdwatch.' || v_name) IS NOT NULL;
        v_lower := v_day::timestamp AT TIME ZONE 'UTC';
        v_upper := (v_day + 1)::timestamp AT TIME ZONE 'UTC';
        IF EXISTS (SELECT 1 FROM herdwatch.events_default WHERE event_time >= v_lower AND event_time < v_upper) THEN
            EXECUTE format('CREATE TABLE herdwatch.%I (LIKE herdwatch.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
            EXECUTE format(
                'WITH moved AS (DELETE FROM herdwatch.events_default WHERE event_time >= $1 AND event_time < $2 RETURNING *)
                 INSERT INTO herdwatch.%I SELECT * FROM moved', v_name) USING v_lower, v_upper;
            EXECUTE format('ALTER TABLE herdwatch.events ATTACH PARTITION herdwatch.%I FOR VALUES FROM (%L) TO (%L)',
                           v_name, v_lower, v_upper);
        ELSE
            EXECUTE format('CREATE TABLE herdwatch.%I PARTITION OF herdwatch.events FOR VALUES FROM (%L) TO (%L)',
                           v_name, v_lower, v_upper);
        END IF;
        RETURN NEXT v_name;
    END LOOP;
END
$$;

-- The ingest path, the only way in for agents.
--
-- An agent, in one transaction: SELECT herdwatch.ingest_begin(); COPY pg_temp.ingest_events
-- (columns) FROM STDIN; SELECT * FROM herdwatch.ingest_commit(hostname, machine_id); COMMIT.
-- The staging table is created by ingest_begin as the function's owner, and the agent is
-- granted only INSERT on it, so it cannot attach triggers, rules or policies that would run
-- inside the security-definer merge.
CREATE FUNCTION herdwatch.ingest_begin() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_owner oid;
BEGIN
    SELECT c.relowner INTO v_owner FROM pg_class c WHERE c.oid = to_regclass('pg_temp.ingest_events');
    IF v_owner IS NULL THEN
        -- The event columns an agent supplies: events' own definition, less what the database
        -- sets itself (sequence, host, who stored it and when), so the two cannot drift apart.
        CREATE TEMP TABLE ingest_events (LIKE herdwatch.events) ON COMMIT DELETE ROWS;
        ALTER TABLE ingest_events DROP COLUMN ingest_seq, DROP COLUMN host_id,
                                  DROP COLUMN stored_by, DROP COLUMN stored_at;
        EXECUTE format('GRANT INSERT ON pg_temp.ingest_events TO %I', session_user);
    ELSIF v_owner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'pg_temp.ingest_events was not created by herdwatch.ingest_begin()'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Merges the staged rows into events for one host, skipping events already stored.
-- Returns how many rows were stored and how many were duplicates.
CREATE FUNCTION herdwatch.ingest_commit(p_hostname text, p_machine_id text DEFAULT NULL,
                                        OUT stored bigint, OUT duplicates bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_host bigint;
    v_name text := lower(p_hostname);
    v_staged bigint;
    v_first timestamptz;
    v_last timestamptz;
BEGIN
    IF v_name IS NULL OR v_name !~ '^[a-z0-9][a-z0-9._-]{0,252}$' THEN
        RAISE EXCEPTION 'invalid hostname' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass('pg_temp.ingest_events') IS NULL THEN
        RAISE EXCEPTION 'call herdwatch.ingest_begin() first' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT count(*), min(event_time), max(event_time) INTO v_staged, v_first, v_last FROM pg_temp.ingest_events;

    INSERT INTO herdwatch.hosts (name, machine_id) VALUES (v_name, p_machine_id)
    ON CONFLICT (name) DO NOTHING
    RETURNING id INTO v_host;
    IF v_host IS NOT NULL THEN
        PERFORM herdwatch.resolve_host_roles(v_host);
    ELSE
        SELECT id INTO v_host FROM herdwatch.hosts WHERE name = v_name;
    END IF;

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

REVOKE ALL ON FUNCTION herdwatch.ingest_begin() FROM PUBLIC;
REVOKE ALL ON FUNCTION herdwatch.ingest_commit(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION herdwatch.ingest_begin() TO herdwatch_agent, herdwatch_service;
GRANT EXECUTE ON FUNCTION herdwatch.ingest_commit(text, text) TO herdwatch_agent, herdwatch_service;
REVOKE ALL ON FUNCTION herdwatch.resolve_host_roles(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION herdwatch.ensure_event_partitions(date, integer) FROM PUBLIC;

-- The service reads and writes everything, including tables later migrations add.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA herdwatch TO herdwatch_service;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA herdwatch TO herdwatch_service;
GRANT EXECUTE ON FUNCTION herdwatch.resolve_host_roles(bigint) TO herdwatch_service;
GRANT EXECUTE ON FUNCTION herdwatch.ensure_event_partitions(date, integer) TO herdwatch_service;
ALTER DEFAULT PRIVILEGES IN SCHEMA herdwatch GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO herdwatch_service;
ALTER DEFAULT PRIVILEGES IN SCHEMA herdwatch GRANT USAGE, SELECT ON SEQUENCES TO herdwatch_service;

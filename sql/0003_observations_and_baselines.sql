-- Observations rollup and versioned baselines.
--
-- Learning never reads raw events: the service rolls events up, in ingest_seq order behind a
-- watermark, into one row per (role, kind, term, host, UTC day). Terms are canonicalized by
-- the service (Baselining's TermCanonicalization), so the rollup runs as the service, never as a
-- trigger on the agents' ingest path. When a host's role changes, its observations are deleted
-- and re-derived from its stored events under the new role.

CREATE TABLE herdwatch.observations (
    role text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('exec', 'lineage', 'connect', 'listen', 'login')),
    term text NOT NULL,
    host_id bigint NOT NULL,
    day date NOT NULL,
    count bigint NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    -- Learning scans one role over a range of days.
    PRIMARY KEY (role, day, kind, term, host_id)
);
CREATE INDEX observations_by_host ON herdwatch.observations (host_id);

-- Every event with ingest_seq <= through_seq has been rolled up (one row).
CREATE TABLE herdwatch.observation_watermark (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    through_seq bigint NOT NULL DEFAULT 0,
    updated_at timestamptz
);
INSERT INTO herdwatch.observation_watermark (singleton, through_seq) VALUES (true, 0);

-- Hosts whose role changed: their events up to through_seq are to be rolled up again under
-- the host's current role (events after it are rolled up by the ordinary pass).
CREATE TABLE herdwatch.observation_rederive (
    host_id bigint PRIMARY KEY REFERENCES herdwatch.hosts (id) ON DELETE CASCADE,
    through_seq bigint NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now()
);

-- Role resolution, now also invalidating the observations of hosts whose role changed. The
-- watermark row is locked first, so a rollup pass (which locks it too) never mixes old and
-- new roles for one host.
CREATE OR REPLACE FUNCTION herdwatch.resolve_host_roles(p_host bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, herdwatch AS $$
DECLARE
    v_changed bigint;
    v_moved bigint[];
    v_rederive bigint[];
    v_through bigint;
BEGIN
    -- No temporary table here: this runs inside the agents' security-definer ingest path, and
    -- an agent could have prepared a temporary table of the same name with triggers.
    WITH resolved AS (
        SELECT h.id,
               coalesce(array_agg(DISTINCT p.role ORDER BY p.role) FILTER (WHERE p.role IS NOT NULL), '{}') AS roles
        FROM herdwatch.hosts h
        LEFT JOIN herdwatch.role_patterns p ON h.short_name ~ p.regex
        WHERE p_host IS NULL OR h.id = p_host
        GROUP BY h.id
    ), updated AS (
        UPDATE herdwatch.hosts h SET role_candidates = r.roles
        FROM resolved r, herdwatch.hosts old
        WHERE h.id = r.id AND old.id = r.id AND h.role_candidates IS DISTINCT FROM r.roles
        RETURNING h.id, old.role AS old_role, h.role AS new_role
    )
    SELECT count(*),
           coalesce(array_agg(id) FILTER (WHERE old_role IS DISTINCT FROM new_role), '{}'),
           coalesce(array_agg(id) FILTER (WHERE old_role IS DISTINCT FROM new_role AND new_role IS NOT NULL), '{}')
    INTO v_changed, v_moved, v_rederive
    FROM updated;

    -- A host seen for the first time (inside an agent's ingest) has nothing to invalidate;
    -- skipping it keeps the agent from waiting on the watermark lock behind a rollup chunk.
    IF cardinality(v_moved) > 0
       AND (EXISTS (SELECT 1 FROM herdwatch.observations WHERE host_id = ANY (v_moved))
            OR EXISTS (SELECT 1 FROM herdwatch.events WHERE host_id = ANY (v_moved))) THEN
        SELECT through_seq INTO v_through FROM herdwatch.observation_watermark FOR UPDATE;
        DELETE FROM herdwatch.observations WHERE host_id = ANY (v_moved);
        DELETE FROM herdwatch.observation_rederive WHERE host_id = ANY (v_moved);
        INSERT INTO herdwatch.observation_rederive (host_id, through_seq)
        SELECT unnest(v_rederive), v_through;
    END IF;
    RETURN v_changed;
END
$$;

-- Baseline versions: global ids, each of one role; at most one active per role.
CREATE TABLE herdwatch.baselines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role text NOT NULL REFERENCES herdwatch.roles (name) ON DELETE CASCADE,
    -- Training window in whole UTC days: [first_day, end_day).
    first_day date NOT NULL,
    end_day date NOT NULL,
    role_hosts integer NOT NULL,
    source text NOT NULL CHECK (source IN ('learned', 'imported')),
    -- Digest of the admitted terms (Baselining's Baseline.termDigest): equal digests, same baseline.
    term_digest text NOT NULL,
    -- The admission rule and generalization used, for the record.
    parameters jsonb NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user,
    activated_at timestamptz
);
CREATE UNIQUE INDEX baselines_one_active_per_role ON herdwatch.baselines (role) WHERE active;
CREATE INDEX baselines_by_role ON herdwatch.baselines (role, id);

CREATE TABLE herdwatch.baseline_terms (
    baseline_id bigint NOT NULL REFERENCES herdwatch.baselines (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('exec', 'lineage', 'connect', 'listen', 'login')),
    term text NOT NULL,
    status text NOT NULL CHECK (status IN ('admitted', 'held_back')),
    origin text NOT NULL CHECK (origin IN ('observed', 'prefix', 'accepted', 'imported')),
    -- Prevalence; NULL for an accepted term not seen in the window.
    hosts integer,
    role_hosts integer,
    days integer,
    window_days integer,
    count bigint,
    PRIMARY KEY (baseline_id, kind, term)
);

-- Terms accepted in triage, kept by every retraining. host_id NULL: for the whole role.
CREATE TABLE herdwatch.accepted_terms (
    role text NOT NULL REFERENCES herdwatch.roles (name) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('exec', 'lineage', 'connect', 'listen', 'login')),
    term text NOT NULL,
    host_id bigint REFERENCES herdwatch.hosts (id) ON DELETE CASCADE,
    accepted_at timestamptz NOT NULL DEFAULT now(),
    accepted_by name NOT NULL DEFAULT session_user,
    note text,
    CONSTRAINT accepted_terms_key UNIQUE NULLS NOT DISTINCT (role, kind, term, host_id)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON herdwatch.observations, herdwatch.observation_watermark,
    herdwatch.observation_rederive, herdwatch.baselines, herdwatch.baseline_terms, herdwatch.accepted_terms
    TO herdwatch_service;

-- File integrity on the service side: each host's current file inventory, rebuilt from the
-- agents' `fim` events, and the progress of the judge that maintains it and raises
-- file_change and file_drift findings (Sources/ServerRuntime/FileIntegrity).
--
-- Everything here comes from hosts and is attacker-controlled: paths and hashes are data,
-- numbers are taken only when the JSON holds a number (herdwatch.fim_number), so one
-- malformed event can never stop the judge.

-- What each host holds at each watched path, as of its latest fim event for the path.
CREATE TABLE herdwatch.file_inventory (
    host_id bigint NOT NULL REFERENCES herdwatch.hosts (id) ON DELETE CASCADE,
    path text NOT NULL,
    type text NOT NULL,
    -- Lower-case hex SHA-256 of a regular file's content; NULL when not hashed.
    sha256 text,
    -- Octal permission string as the agent sent it ("0644").
    mode text,
    uid numeric,
    gid numeric,
    size numeric,
    mtime_ns numeric,
    inode numeric,
    target text,
    -- What peers compare: the content only (not owner, mode or times), one form per type.
    content text GENERATED ALWAYS AS (
        CASE type
            WHEN 'file' THEN coalesce('sha256:' || sha256, 'size:' || size::text, 'file')
            WHEN 'symlink' THEN 'symlink:' || coalesce(target, '')
            ELSE type
        END) STORED,
    -- The event that set this state: its time and its ingest sequence (evidence).
    updated_at timestamptz NOT NULL,
    ingest_seq bigint NOT NULL,
    PRIMARY KEY (host_id, path)
);
CREATE INDEX file_inventory_by_path ON herdwatch.file_inventory (path);

-- The judge's progress: every fim event with ingest_seq <= through_seq is in the inventory
-- and has been judged.
CREATE TABLE herdwatch.file_integrity_watermark (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    through_seq bigint NOT NULL DEFAULT 0,
    updated_at timestamptz
);
INSERT INTO herdwatch.file_integrity_watermark (singleton, through_seq) VALUES (true, 0);

-- A JSON number as numeric, NULL for anything else (a string, an object, a missing key).
CREATE FUNCTION herdwatch.fim_number(v jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::text::numeric END
$$;

-- fim events are found by kind in ingest order.
CREATE INDEX events_fim_by_ingest_seq ON herdwatch.events (ingest_seq) WHERE kind = 'fim';

GRANT SELECT, INSERT, UPDATE, DELETE ON herdwatch.file_inventory, herdwatch.file_integrity_watermark TO herdwatch_service;
GRANT EXECUTE ON FUNCTION herdwatch.fim_number(jsonb) TO herdwatch_service;

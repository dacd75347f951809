-- Root-cause records (根源分析, internal/rootcause) on a monthly theme
-- (subject_kind theme, subject_key "YYYY-MM|label") or a rectification task
-- (subject_kind rectification, subject_key the task's id): the root cause
-- (根源), the groups affected (相关群体, column affected), the main obstacles (主要障碍) and
-- the responsible departments (责任部门: organisation codes, space
-- separated). version counts the edits; every edit is also a row of
-- root_cause_events with the record as it became. Times are milliseconds.
CREATE TABLE root_causes (
    subject_kind TEXT COLLATE "C" NOT NULL,
    subject_key  TEXT COLLATE "C" NOT NULL,
    root_cause   TEXT NOT NULL,
    affected     TEXT NOT NULL DEFAULT '',
    obstacles    TEXT NOT NULL DEFAULT '',
    departments  TEXT COLLATE "C" NOT NULL DEFAULT '',
    version      INTEGER NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_by   TEXT COLLATE "C" NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (subject_kind, subject_key)
);

CREATE TABLE root_cause_events (
    subject_kind TEXT COLLATE "C" NOT NULL,
    subject_key  TEXT COLLATE "C" NOT NULL,
    version      INTEGER NOT NULL,
    at           BIGINT NOT NULL,
    actor_id     TEXT COLLATE "C" NOT NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    root_cause   TEXT NOT NULL,
    affected     TEXT NOT NULL DEFAULT '',
    obstacles    TEXT NOT NULL DEFAULT '',
    departments  TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (subject_kind, subject_key, version)
);

-- Key projects (重点项目, internal/project): residents are asked before
-- (needs), during (opinions, progress with photos) and after (evaluation
-- with a score), and every input gets an answer.
--
-- projects: the current state of each project. org_code is the unit that
-- runs it and answers its inputs; level its disclosure level
-- (internal/disclosure). budget is in fen (分), NULL when not given.
-- eval_count and eval_sum are the residents' scores (1–5), kept exact.
CREATE TABLE projects (
    number      TEXT COLLATE "C" PRIMARY KEY,
    area_code   TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    org_code    TEXT COLLATE "C" NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    budget      BIGINT,
    level       TEXT NOT NULL DEFAULT 'public',
    phase       TEXT NOT NULL,
    progress    BIGINT NOT NULL DEFAULT 0,
    eval_count  BIGINT NOT NULL DEFAULT 0,
    eval_sum    BIGINT NOT NULL DEFAULT 0,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    phase_at    BIGINT NOT NULL,
    closed_at   BIGINT
);
CREATE INDEX projects_area ON projects (area_code, number);
CREATE INDEX projects_org ON projects (org_code, number);
CREATE INDEX projects_closed ON projects (closed_at);

-- project_milestones: planned steps of the works; planned and done are the
-- business days' midnights (unix ms), done NULL until reached.
CREATE TABLE project_milestones (
    id         TEXT COLLATE "C" PRIMARY KEY,
    number     TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    title      TEXT NOT NULL,
    planned    BIGINT NOT NULL,
    done       BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX project_milestones_number ON project_milestones (number, planned);

-- project_updates: reports of progress (0–100 per cent) with a note, seq
-- numbering a project's reports from 1; reason says why a report goes below
-- the one before.
CREATE TABLE project_updates (
    id       TEXT COLLATE "C" PRIMARY KEY,
    number   TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    seq      BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    actor_id TEXT COLLATE "C" NOT NULL,
    percent  BIGINT NOT NULL,
    note     TEXT NOT NULL,
    reason   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX project_updates_number ON project_updates (number, seq);

-- project_photos: the photos of a report in their order (pos), kept by
-- internal/attachment (stripped of their metadata, by their SHA-256).
CREATE TABLE project_photos (
    id           TEXT COLLATE "C" PRIMARY KEY,
    number       TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    update_id    TEXT COLLATE "C" NOT NULL REFERENCES project_updates (id),
    pos          BIGINT NOT NULL,
    sha256       TEXT COLLATE "C" NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX project_photos_number ON project_photos (number, update_id);
CREATE INDEX project_photos_sha ON project_photos (sha256);

-- project_inputs: residents' needs (before) and opinions (during). phone is
-- the resident's; on_behalf is set when staff entered it for her (actor_id
-- is then the staff member). The responsible unit (org_code, copied from
-- the project) answers by answer_due; answered_late when after it.
CREATE TABLE project_inputs (
    id            TEXT COLLATE "C" PRIMARY KEY,
    number        TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    kind          TEXT NOT NULL,
    phase         TEXT NOT NULL,
    text          TEXT NOT NULL,
    phone         TEXT COLLATE "C" NOT NULL,
    actor_id      TEXT COLLATE "C" NOT NULL,
    on_behalf     BOOLEAN NOT NULL DEFAULT FALSE,
    org_code      TEXT COLLATE "C" NOT NULL,
    created_at    BIGINT NOT NULL,
    answer_due    BIGINT NOT NULL,
    answered      BOOLEAN NOT NULL DEFAULT FALSE,
    answer        TEXT NOT NULL DEFAULT '',
    answered_at   BIGINT,
    answered_by   TEXT COLLATE "C" NOT NULL DEFAULT '',
    answered_late BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX project_inputs_number ON project_inputs (number, created_at);
CREATE INDEX project_inputs_open ON project_inputs (org_code, answered, answer_due, id);
CREATE INDEX project_inputs_phone ON project_inputs (number, phone);

-- project_evaluations: one per resident (her phone) and project, changed
-- until the project closes.
CREATE TABLE project_evaluations (
    number     TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    phone      TEXT COLLATE "C" NOT NULL,
    score      BIGINT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    actor_id   TEXT COLLATE "C" NOT NULL,
    on_behalf  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (number, phone)
);

-- project_events: every change of a project, in its transaction. actor_id
-- is who made it; on_behalf the phone of the resident staff acted for ('' when
-- nobody). ref names the input, milestone or report it is about.
CREATE TABLE project_events (
    id         TEXT COLLATE "C" PRIMARY KEY,
    number     TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor_id   TEXT COLLATE "C" NOT NULL,
    on_behalf  TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    from_phase TEXT NOT NULL DEFAULT '',
    to_phase   TEXT NOT NULL DEFAULT '',
    percent    BIGINT NOT NULL DEFAULT 0,
    ref        TEXT COLLATE "C" NOT NULL DEFAULT '',
    text       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX project_events_number ON project_events (number, seq);

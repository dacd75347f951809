-- Surveys (问卷调查, internal/survey).
--
-- surveys: one row per survey of an area. level is its disclosure level
-- (internal/disclosure); org_code the organisation of the staff who made
-- it; target an item it is about ("proposal:TA…", "" for none). status is
-- draft, open or closed; it takes answers while open from opens_at until
-- closes_at. responses counts the responses given.
CREATE TABLE surveys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    area_code    TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    org_code     TEXT COLLATE "C" NOT NULL DEFAULT '',
    level        TEXT NOT NULL,
    title        TEXT NOT NULL,
    intro        TEXT NOT NULL DEFAULT '',
    target       TEXT COLLATE "C" NOT NULL DEFAULT '',
    anonymous    BOOLEAN NOT NULL DEFAULT FALSE,
    live_results BOOLEAN NOT NULL DEFAULT FALSE,
    status       TEXT NOT NULL,
    opens_at     BIGINT,
    closes_at    BIGINT NOT NULL,
    responses    BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    closed_at    BIGINT
);
CREATE INDEX surveys_area ON surveys (area_code, id);
CREATE INDEX surveys_due ON surveys (status, closes_at);

-- survey_questions: the questions of a survey in the order of id. kind is
-- single, multiple, scale or text; max_picks bounds a multiple choice (0:
-- no bound); scale_max is 5 or 10 for a scale from 1.
CREATE TABLE survey_questions (
    survey_id  TEXT COLLATE "C" NOT NULL REFERENCES surveys (id),
    id         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    prompt     TEXT NOT NULL,
    required   BOOLEAN NOT NULL DEFAULT FALSE,
    max_picks  BIGINT NOT NULL DEFAULT 0,
    scale_max  BIGINT NOT NULL DEFAULT 0,
    low_label  TEXT NOT NULL DEFAULT '',
    high_label TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (survey_id, id)
);

-- survey_options: the options of a choice question, in the order of id.
CREATE TABLE survey_options (
    survey_id   TEXT COLLATE "C" NOT NULL,
    question_id BIGINT NOT NULL,
    id          BIGINT NOT NULL,
    label       TEXT NOT NULL,
    PRIMARY KEY (survey_id, question_id, id)
);

-- survey_respondents: who has answered (a resident's phone, or "u:" and a
-- staff account's ID for surveys of staff), once each; channel is online
-- (herself), paper or phone (recorded by the staff member recorded_by).
CREATE TABLE survey_respondents (
    survey_id   TEXT COLLATE "C" NOT NULL REFERENCES surveys (id),
    respondent  TEXT COLLATE "C" NOT NULL,
    channel     TEXT NOT NULL,
    recorded_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    PRIMARY KEY (survey_id, respondent)
);

-- survey_responses: what was answered. An anonymous survey's responses keep
-- neither the respondent nor the time (respondent '', at 0), and no column
-- joins them to survey_respondents.
CREATE TABLE survey_responses (
    id         TEXT COLLATE "C" PRIMARY KEY,
    survey_id  TEXT COLLATE "C" NOT NULL REFERENCES surveys (id),
    respondent TEXT COLLATE "C" NOT NULL DEFAULT '',
    channel    TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, at, id);

-- survey_answers: one row per picked option of a choice question
-- (option_id), one per scale answer (value) or text answer (text).
CREATE TABLE survey_answers (
    response_id TEXT COLLATE "C" NOT NULL REFERENCES survey_responses (id),
    survey_id   TEXT COLLATE "C" NOT NULL,
    question_id BIGINT NOT NULL,
    option_id   BIGINT NOT NULL DEFAULT 0,
    value       BIGINT NOT NULL DEFAULT 0,
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question_id, option_id)
);
CREATE INDEX survey_answers_question ON survey_answers (survey_id, question_id, option_id, value);

-- survey_events: every change of a survey, written in the change's
-- transaction; seq numbers a survey's events from 1.
CREATE TABLE survey_events (
    survey_id TEXT COLLATE "C" NOT NULL,
    seq       BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    actor     TEXT COLLATE "C" NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (survey_id, seq)
);

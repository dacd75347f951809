-- Elections (internal/election): an owners' committee (业委会) elected by the
-- owners on a register of units, or residents' representatives (居民代表)
-- elected by the residents verified in the area.
--
-- elections: one row per election. kind is owners_committee or
-- residents_representatives; level its disclosure level; status open or
-- closed. The rule columns are copied from the district's rules when the
-- election is created, so a later change of the rules does not change its
-- result: participation needs voted ≥ (or >, when *_strict) num/den of the
-- total, a candidate needs votes ≥ (or >) num/den of those who voted. The
-- result columns are written once, when it closes; areas are hundredths of
-- a square metre.
CREATE TABLE elections (
    id             TEXT COLLATE "C" PRIMARY KEY,
    kind           TEXT NOT NULL,
    area_code      TEXT COLLATE "C" NOT NULL,
    title          TEXT NOT NULL,
    seats          INTEGER NOT NULL,
    level          TEXT NOT NULL,
    status         TEXT NOT NULL,
    opens_at       BIGINT NOT NULL,
    closes_at      BIGINT NOT NULL,
    quorum_num     INTEGER NOT NULL,
    quorum_den     INTEGER NOT NULL,
    quorum_strict  BOOLEAN NOT NULL,
    elect_num      INTEGER NOT NULL,
    elect_den      INTEGER NOT NULL,
    elect_strict   BOOLEAN NOT NULL,
    created_by     TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL,
    closed_by      TEXT COLLATE "C" NOT NULL DEFAULT '',
    closed_at      BIGINT,
    voters_total   BIGINT NOT NULL DEFAULT 0,
    voters_voted   BIGINT NOT NULL DEFAULT 0,
    area_total     BIGINT NOT NULL DEFAULT 0,
    area_voted     BIGINT NOT NULL DEFAULT 0,
    quorum_met     BOOLEAN NOT NULL DEFAULT FALSE,
    seats_unfilled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX elections_area ON elections (area_code, created_at);
CREATE INDEX elections_due ON elections (status, closes_at);

-- election_candidates: seq orders them as the staff entered them. The
-- figures are written when the election closes: votes (ballots, or owners,
-- naming the candidate), area (owners' committee: the floor area of those
-- owners), passed (reached the rule), elected, and tied (tied at the last
-- seat: neither elected, the seat left to a run-off).
CREATE TABLE election_candidates (
    election_id TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    intro       TEXT NOT NULL DEFAULT '',
    votes       BIGINT NOT NULL DEFAULT 0,
    area        BIGINT NOT NULL DEFAULT 0,
    passed      BOOLEAN NOT NULL DEFAULT FALSE,
    elected     BOOLEAN NOT NULL DEFAULT FALSE,
    tied        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (election_id, id)
);

-- election_units: the register of an owners' committee election, as
-- vote_units. owner is the owner's phone as auth.NormalizePhone writes it.
CREATE TABLE election_units (
    election_id TEXT COLLATE "C" NOT NULL,
    unit        TEXT COLLATE "C" NOT NULL,
    area        BIGINT NOT NULL,
    owner       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (election_id, unit)
);
CREATE INDEX election_units_owner ON election_units (owner, election_id);

-- election_ballots: one per voter (an owner for all her units, or a
-- resident). channel is online (the voter herself) or paper (recorded by the
-- staff, cast_by, with paper_ref the paper's reference); blank marks a
-- ballot that names nobody.
CREATE TABLE election_ballots (
    election_id TEXT COLLATE "C" NOT NULL,
    voter       TEXT COLLATE "C" NOT NULL,
    blank       BOOLEAN NOT NULL DEFAULT FALSE,
    channel     TEXT NOT NULL,
    paper_ref   TEXT NOT NULL DEFAULT '',
    cast_by     TEXT COLLATE "C" NOT NULL,
    cast_at     BIGINT NOT NULL,
    PRIMARY KEY (election_id, voter)
);
CREATE INDEX election_ballots_voter ON election_ballots (voter, election_id);

-- election_choices: the candidates a ballot names. Secret: read only to
-- count, and by the voter herself.
CREATE TABLE election_choices (
    election_id  TEXT COLLATE "C" NOT NULL,
    voter        TEXT COLLATE "C" NOT NULL,
    candidate_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (election_id, voter, candidate_id)
);

-- election_events: every change of an election, written in the change's
-- transaction; a ballot's event tells its channel, never its choices.
CREATE TABLE election_events (
    election_id TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    actor       TEXT COLLATE "C" NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (election_id, seq)
);

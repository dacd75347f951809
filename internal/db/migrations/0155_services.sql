-- The neighbourhood service circle (邻里服务, internal/service).
--
-- service_providers: an organisation (gov orgs) that provides services to
-- residents, with its agreement: what it provides, its hours, whether it
-- charges (price_note says how much), and, when known, where it is (lat,
-- lng: the distance of the 15-minute circle). active false takes it out of
-- the directory.
CREATE TABLE service_providers (
    org_code   TEXT COLLATE "C" PRIMARY KEY REFERENCES orgs (code),
    provides   TEXT NOT NULL,
    hours      TEXT NOT NULL,
    priced     BOOLEAN NOT NULL DEFAULT FALSE,
    price_note TEXT NOT NULL DEFAULT '',
    lat        DOUBLE PRECISION,
    lng        DOUBLE PRECISION,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- service_provider_areas: the areas a provider serves by its agreement (an
-- area and everything under it).
CREATE TABLE service_provider_areas (
    org_code  TEXT COLLATE "C" NOT NULL REFERENCES service_providers (org_code),
    area_code TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    PRIMARY KEY (org_code, area_code)
);
CREATE INDEX service_provider_areas_area ON service_provider_areas (area_code, org_code);

-- service_qualifications: a provider's licences and certificates; expires_at
-- is the end of the day it expires (business time). One expired hides the
-- provider's services from residents until it is renewed.
CREATE TABLE service_qualifications (
    id         TEXT COLLATE "C" PRIMARY KEY,
    org_code   TEXT COLLATE "C" NOT NULL REFERENCES service_providers (org_code),
    name       TEXT NOT NULL,
    number     TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX service_qualifications_org ON service_qualifications (org_code, expires_at);

-- services: what a provider offers, in one of the categories (elderly,
-- childcare, medical, education, housekeeping, meals, repairs, legal).
CREATE TABLE services (
    id          TEXT COLLATE "C" PRIMARY KEY,
    org_code    TEXT COLLATE "C" NOT NULL REFERENCES service_providers (org_code),
    category    TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    priced      BOOLEAN NOT NULL DEFAULT FALSE,
    price_note  TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX services_org ON services (org_code, category);
CREATE INDEX services_category ON services (category, org_code);

-- service_slots: bookable times of a service with their capacity; booked
-- counts the requests holding a place, raised only by a conditional update
-- (booked < capacity), so concurrent bookings cannot overbook.
CREATE TABLE service_slots (
    id         TEXT COLLATE "C" PRIMARY KEY,
    service_id TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    capacity   INTEGER NOT NULL,
    booked     INTEGER NOT NULL DEFAULT 0,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX service_slots_service ON service_slots (service_id, starts_at);

-- service_requests: a resident's booking of a slot or request for a
-- service. number is FW, the business date and a sequence of the day;
-- area_code her community; phone and name hers; on_behalf_of her phone when
-- staff (created_by) made it for her. status is requested, confirmed,
-- declined, cancelled, expired or done. due_at is when the provider must
-- have answered (working days), expires_at when an unanswered one lapses;
-- overdue_at and reminded_at are when the provider was told, once each.
-- Completion is confirmed by both sides (resident_done_at,
-- provider_done_at). from_ticket is the ticket it was made from,
-- complaint_ticket the ticket a complaint about it became.
CREATE TABLE service_requests (
    number           TEXT COLLATE "C" PRIMARY KEY,
    service_id       TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    org_code         TEXT COLLATE "C" NOT NULL,
    category         TEXT NOT NULL,
    slot_id          TEXT COLLATE "C" NOT NULL DEFAULT '',
    area_code        TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    phone            TEXT COLLATE "C" NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    on_behalf_of     TEXT COLLATE "C" NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    due_at           BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    reminded_at      BIGINT,
    overdue_at       BIGINT,
    answered_by      TEXT COLLATE "C" NOT NULL DEFAULT '',
    confirmed_at     BIGINT,
    declined_at      BIGINT,
    decline_reason   TEXT NOT NULL DEFAULT '',
    resident_done_at BIGINT,
    provider_done_at BIGINT,
    done_at          BIGINT,
    closed_at        BIGINT,
    rating           INTEGER NOT NULL DEFAULT 0,
    rating_text      TEXT NOT NULL DEFAULT '',
    rated_at         BIGINT,
    from_ticket      TEXT COLLATE "C" NOT NULL DEFAULT '',
    complaint_ticket TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by       TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX service_requests_phone ON service_requests (phone, created_at);
CREATE INDEX service_requests_org ON service_requests (org_code, status, due_at);
CREATE INDEX service_requests_due ON service_requests (status, due_at);
CREATE INDEX service_requests_area ON service_requests (area_code, created_at);
CREATE UNIQUE INDEX service_requests_slot_phone ON service_requests (slot_id, phone) WHERE slot_id <> '' AND status IN ('requested', 'confirmed');

-- service_events: every change of a provider (subject its org code), a
-- service, a slot or a request (subject its ID or number), written in its
-- transaction. on_behalf is the resident's phone when staff acted for her.
CREATE TABLE service_events (
    subject   TEXT COLLATE "C" NOT NULL,
    seq       INTEGER NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    on_behalf TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (subject, seq)
);

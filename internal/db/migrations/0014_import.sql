-- Tickets imported from another system (gongzhi import tickets): one row per
-- source and external id, so importing the same file again adds nothing.
CREATE TABLE ticket_sources (
    source        TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    ticket_number TEXT NOT NULL REFERENCES tickets (number),
    imported_at   BIGINT NOT NULL,
    PRIMARY KEY (source, external_id)
);
CREATE INDEX ticket_sources_ticket ON ticket_sources (ticket_number);

-- Co-reporters (我也遇到): residents who met the same problem and joined an
-- open request instead of filing a duplicate. Each follows the request, is
-- told of its reply and may rate it, like its reporter; one row per ticket
-- and phone. told_reply_at is the reply (tickets.replied_at) she was last
-- told of, so that the background work tells her of each reply once.
CREATE TABLE ticket_coreporters (
    ticket_number TEXT COLLATE "C" NOT NULL REFERENCES tickets (number),
    phone         TEXT COLLATE "C" NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    user_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    told_reply_at BIGINT,
    PRIMARY KEY (ticket_number, phone)
);
CREATE INDEX ticket_coreporters_phone ON ticket_coreporters (phone, ticket_number);

-- Requests near a place (the nearby list, and the nearest known point that
-- names a pin's community) are found by a box of latitude and longitude.
CREATE INDEX tickets_place ON tickets (lat, lng);

-- Users and the search rows of their multi-valued attributes.
CREATE TABLE {{prefix}}users (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	seq            BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
	user_name      TEXT COLLATE "C" NOT NULL,
	user_name_norm TEXT COLLATE "C" NOT NULL,
	user_name_sort TEXT COLLATE "C" NOT NULL,
	external_id    TEXT COLLATE "C",
	active         BOOLEAN,
	created        TEXT COLLATE "C" NOT NULL,
	last_modified  TEXT COLLATE "C" NOT NULL,
	version        BIGINT NOT NULL,
	doc            TEXT NOT NULL,
	sdoc           JSONB NOT NULL
);
CREATE UNIQUE INDEX {{prefix}}users_user_name_norm ON {{prefix}}users (user_name_norm);
CREATE INDEX {{prefix}}users_user_name_sort ON {{prefix}}users (user_name_sort, seq);
CREATE INDEX {{prefix}}users_external_id ON {{prefix}}users (external_id);
CREATE INDEX {{prefix}}users_active ON {{prefix}}users (active);
CREATE INDEX {{prefix}}users_created ON {{prefix}}users (created);
CREATE INDEX {{prefix}}users_last_modified ON {{prefix}}users (last_modified);
CREATE TABLE {{prefix}}user_values (
	user_id    TEXT COLLATE "C" NOT NULL REFERENCES {{prefix}}users (id) ON DELETE CASCADE,
	attr       TEXT COLLATE "C" NOT NULL,
	pos        INTEGER NOT NULL,
	value      TEXT COLLATE "C",
	display    TEXT COLLATE "C",
	type       TEXT COLLATE "C",
	is_primary BOOLEAN,
	sdoc       JSONB NOT NULL,
	PRIMARY KEY (user_id, attr, pos)
);
CREATE INDEX {{prefix}}user_values_value ON {{prefix}}user_values USING hash (value);

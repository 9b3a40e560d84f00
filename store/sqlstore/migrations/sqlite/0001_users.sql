-- Users and the search rows of their multi-valued attributes.
CREATE TABLE {{prefix}}users (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT    NOT NULL UNIQUE,
	user_name      TEXT    NOT NULL,
	user_name_norm TEXT    NOT NULL,
	user_name_sort TEXT    NOT NULL,
	external_id    TEXT,
	active         INTEGER,
	created        TEXT    NOT NULL,
	last_modified  TEXT    NOT NULL,
	version        INTEGER NOT NULL,
	doc            TEXT    NOT NULL,
	sdoc           BLOB    NOT NULL
);
CREATE UNIQUE INDEX {{prefix}}users_user_name_norm ON {{prefix}}users (user_name_norm);
CREATE INDEX {{prefix}}users_user_name_sort ON {{prefix}}users (user_name_sort);
CREATE INDEX {{prefix}}users_external_id ON {{prefix}}users (external_id);
CREATE INDEX {{prefix}}users_active ON {{prefix}}users (active);
CREATE INDEX {{prefix}}users_created ON {{prefix}}users (created);
CREATE INDEX {{prefix}}users_last_modified ON {{prefix}}users (last_modified);
CREATE TABLE {{prefix}}user_values (
	user_id    TEXT    NOT NULL REFERENCES {{prefix}}users (id) ON DELETE CASCADE,
	attr       TEXT    NOT NULL,
	pos        INTEGER NOT NULL,
	value      TEXT,
	display    TEXT,
	type       TEXT,
	is_primary INTEGER,
	sdoc       BLOB    NOT NULL,
	PRIMARY KEY (user_id, attr, pos)
);
CREATE INDEX {{prefix}}user_values_value ON {{prefix}}user_values (attr, value);

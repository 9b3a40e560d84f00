-- Users and the search rows of their multi-valued attributes. Text that is
-- compared is binary (byte order, no PAD SPACE): the store folds case itself.
CREATE TABLE IF NOT EXISTS {{prefix}}users (
	id             VARBINARY(64) NOT NULL PRIMARY KEY,
	seq            BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
	user_name      VARBINARY(1024) NOT NULL,
	user_name_norm VARBINARY(1024) NOT NULL,
	user_name_sort VARBINARY(1024) NOT NULL,
	external_id    VARBINARY(1024),
	active         BOOLEAN,
	created        CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	last_modified  CHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	version        BIGINT NOT NULL,
	doc            LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	sdoc           LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	UNIQUE INDEX {{prefix}}users_user_name_norm (user_name_norm),
	INDEX {{prefix}}users_user_name_sort (user_name_sort, seq),
	INDEX {{prefix}}users_external_id (external_id),
	INDEX {{prefix}}users_active (active),
	INDEX {{prefix}}users_created (created),
	INDEX {{prefix}}users_last_modified (last_modified)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS {{prefix}}user_values (
	user_id    VARBINARY(64) NOT NULL,
	attr       VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	pos        INT NOT NULL,
	value      MEDIUMBLOB,
	display    MEDIUMBLOB,
	type       MEDIUMBLOB,
	is_primary BOOLEAN,
	sdoc       LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	PRIMARY KEY (user_id, attr, pos),
	INDEX {{prefix}}user_values_value (attr, value(255)),
	CONSTRAINT {{prefix}}user_values_user FOREIGN KEY (user_id) REFERENCES {{prefix}}users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

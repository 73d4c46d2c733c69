-- The stand-in app's tables, created on each node by `pnpm lab up` (before replication starts).
CREATE TABLE tblsessions (
  session_id VARCHAR(128) NOT NULL PRIMARY KEY,
  session_data MEDIUMBLOB NOT NULL,
  last_access INT UNSIGNED NOT NULL,
  node VARCHAR(64) NOT NULL,
  KEY last_access (last_access)
) ENGINE=InnoDB;

CREATE TABLE lab_writes (
  -- auto_increment_increment=2 and per-node offsets keep these from colliding in active-active
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(64) NOT NULL,
  node VARCHAR(64) NOT NULL,
  server_id INT UNSIGNED NOT NULL,
  payload VARCHAR(1024) NOT NULL DEFAULT '',
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY id (id)
) ENGINE=InnoDB;

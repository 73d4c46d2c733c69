<?php
// GET /health.php: 200 when this node's PHP reaches its database, 503 otherwise.
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

try {
    $row = db()->query('SELECT @@server_id AS server_id, @@read_only AS read_only, 1 AS ok')->fetch();
    json_out(200, [
        'ok' => true, 'node' => node_name(), 'serverId' => (int) $row['server_id'], 'readOnly' => (bool) $row['read_only'],
    ]);
} catch (Throwable $e) {
    json_out(503, ['ok' => false, 'node' => node_name(), 'error' => 'database: ' . $e->getMessage()]);
}

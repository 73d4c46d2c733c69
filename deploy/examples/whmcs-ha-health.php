<?php
// whmcs-ha-health.php: put it in the WHMCS directory of both web nodes (file sync keeps them equal).
// The load balancer's coordinator probes it (nodes[].healthUrl) and so does the agent (http.url): it
// answers 200 only when nginx, PHP-FPM AND this node's database all work, 503 otherwise. A probe of
// /fpm-ping alone would stay green with MySQL down, and the coordinators would then (rightly) refuse
// to fail over, since the "other evidence" of holistic detection says the node still serves.
// nginx-web.conf allows it from the cluster's network only. It reads WHMCS's own configuration.php.
declare(strict_types=1);

header('Content-Type: application/json');
header('Cache-Control: no-store');

$db_host = 'localhost';
$db_port = '';
$db_username = '';
$db_password = '';
$db_name = '';
require __DIR__ . '/configuration.php';

try {
    $dsn = sprintf('mysql:host=%s;%sdbname=%s', $db_host, $db_port !== '' ? 'port=' . (int) $db_port . ';' : '', $db_name);
    $pdo = new PDO($dsn, $db_username, $db_password, [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_TIMEOUT => 2,
    ]);
    $row = $pdo->query('SELECT @@server_id AS server_id, @@read_only AS read_only')->fetch(PDO::FETCH_ASSOC);
    http_response_code(200);
    echo json_encode(['ok' => true, 'serverId' => (int) $row['server_id'], 'readOnly' => (bool) $row['read_only']]), "\n";
} catch (Throwable $e) {
    http_response_code(503);
    // the message names host and error code, never the password
    echo json_encode(['ok' => false, 'error' => 'database: ' . $e->getMessage()]), "\n";
}

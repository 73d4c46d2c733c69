<?php
// The home page: which node answered, and a session that survives a switch of node.
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

touch_template_cache('home');
try {
    start_db_session();
    $_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
    $visits = $_SESSION['visits'];
    $serverId = (int) db()->query('SELECT @@server_id')->fetchColumn();
    session_write_close();
} catch (Throwable $e) {
    $visits = 0;
    $serverId = 0;
}
header('Content-Type: text/html; charset=utf-8');
$node = htmlspecialchars(node_name());
echo "<!doctype html><title>whmcs-ha lab</title><h1>whmcs-ha lab: $node</h1>";
echo "<p>Served by <b>$node</b> (MariaDB server_id $serverId). Visits in this session: $visits.</p>";
echo '<p>Endpoints: POST /write.php (id=...), GET /read.php?id=..., GET /health.php, GET /session.php</p>';

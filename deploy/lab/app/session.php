<?php
// GET /session.php: starts or continues a PHP session stored in the database and counts visits.
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

try {
    start_db_session();
    $_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
    $_SESSION['lastNode'] = node_name();
    $body = ['sessionId' => session_id(), 'visits' => $_SESSION['visits'], 'node' => node_name()];
    session_write_close();
    json_out(200, $body);
} catch (Throwable $e) {
    json_out(503, ['error' => $e->getMessage(), 'node' => node_name()]);
}

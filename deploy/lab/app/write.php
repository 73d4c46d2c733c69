<?php
// POST /write.php with a client-supplied unique id (form field or JSON body {"id": ...}):
// inserts one row into the local database, answers {id, node, serverId}.
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    header('Allow: POST');
    json_out(405, ['error' => 'use POST']);
    exit;
}
$id = $_POST['id'] ?? null;
$payload = $_POST['payload'] ?? '';
if ($id === null && str_starts_with($_SERVER['CONTENT_TYPE'] ?? '', 'application/json')) {
    $body = json_decode((string) file_get_contents('php://input'), true);
    $id = is_array($body) ? ($body['id'] ?? null) : null;
    $payload = is_array($body) ? (string) ($body['payload'] ?? '') : '';
}
if (!is_string($id) || !preg_match('/^[A-Za-z0-9._:-]{1,64}$/', $id)) {
    json_out(400, ['error' => 'id: required, 1-64 characters of A-Z a-z 0-9 . _ : -']);
    exit;
}
try {
    $pdo = db();
    $st = $pdo->prepare('INSERT INTO lab_writes (id, node, server_id, payload) VALUES (?, ?, @@server_id, ?)');
    $st->execute([$id, node_name(), $payload]);
    $seq = (int) $pdo->lastInsertId();
    $serverId = (int) $pdo->query('SELECT @@server_id')->fetchColumn();
    json_out(201, ['id' => $id, 'node' => node_name(), 'serverId' => $serverId, 'seq' => $seq]);
} catch (PDOException $e) {
    $code = $e->errorInfo[1] ?? 0;
    if ($code === 1062) {
        json_out(409, ['error' => "id $id exists already", 'node' => node_name()]);
    } elseif ($code === 1290) {
        // ER_OPTION_PREVENTS_STATEMENT: this node's database is read-only (it is not the active node)
        json_out(503, ['error' => 'database is read-only on ' . node_name(), 'node' => node_name()]);
    } else {
        json_out(500, ['error' => 'database: ' . $e->getMessage(), 'node' => node_name()]);
    }
}

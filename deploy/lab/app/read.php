<?php
// GET /read.php?id=...: the row as this node's database has it (404 when it has not arrived).
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

$id = $_GET['id'] ?? '';
if (!is_string($id) || !preg_match('/^[A-Za-z0-9._:-]{1,64}$/', $id)) {
    json_out(400, ['error' => 'id: required, 1-64 characters of A-Z a-z 0-9 . _ : -']);
    exit;
}
try {
    $st = db()->prepare('SELECT id, seq, node, server_id, payload, created_at FROM lab_writes WHERE id = ?');
    $st->execute([$id]);
    $row = $st->fetch();
    if ($row === false) {
        json_out(404, ['id' => $id, 'found' => false, 'servedBy' => node_name()]);
    } else {
        json_out(200, [
            'id' => $row['id'], 'found' => true, 'seq' => (int) $row['seq'], 'node' => $row['node'],
            'serverId' => (int) $row['server_id'], 'payload' => $row['payload'], 'createdAt' => $row['created_at'],
            'servedBy' => node_name(),
        ]);
    }
} catch (PDOException $e) {
    json_out(500, ['error' => 'database: ' . $e->getMessage(), 'servedBy' => node_name()]);
}

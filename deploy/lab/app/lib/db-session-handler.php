<?php
// PHP sessions in the database (WHMCS's $session_handling = 'database'): any node can continue
// a session another node started, because the row replicates.
declare(strict_types=1);

final class DbSessionHandler implements SessionHandlerInterface
{
    public function __construct(private PDO $pdo)
    {
    }

    public function open(string $path, string $name): bool
    {
        return true;
    }

    public function close(): bool
    {
        return true;
    }

    public function read(string $id): string|false
    {
        $st = $this->pdo->prepare('SELECT session_data FROM tblsessions WHERE session_id = ?');
        $st->execute([$id]);
        $data = $st->fetchColumn();
        return $data === false ? '' : (string) $data;
    }

    public function write(string $id, string $data): bool
    {
        $st = $this->pdo->prepare(
            'INSERT INTO tblsessions (session_id, session_data, last_access, node) VALUES (?, ?, ?, ?)
             ON DUPLICATE KEY UPDATE session_data = VALUES(session_data), last_access = VALUES(last_access), node = VALUES(node)'
        );
        return $st->execute([$id, $data, time(), node_name()]);
    }

    public function destroy(string $id): bool
    {
        $st = $this->pdo->prepare('DELETE FROM tblsessions WHERE session_id = ?');
        return $st->execute([$id]);
    }

    public function gc(int $max_lifetime): int|false
    {
        $st = $this->pdo->prepare('DELETE FROM tblsessions WHERE last_access < ?');
        $st->execute([time() - $max_lifetime]);
        return $st->rowCount();
    }
}

<?php
// Shared by every page: configuration, the local database, JSON answers, sessions in the database.
declare(strict_types=1);

require_once __DIR__ . '/db-session-handler.php';

function app_config(): array
{
    static $cfg = null;
    if ($cfg === null) {
        require __DIR__ . '/../configuration.php';
        $cfg = get_defined_vars();
    }
    return $cfg;
}

function node_name(): string
{
    return getenv('WHMCS_HA_NODE') ?: php_uname('n');
}

function db(): PDO
{
    static $pdo = null;
    if ($pdo === null) {
        $c = app_config();
        $dsn = sprintf('mysql:host=%s;port=%s;dbname=%s;charset=%s', $c['db_host'], $c['db_port'], $c['db_name'], $c['mysql_charset']);
        $pdo = new PDO($dsn, $c['db_username'], $c['db_password'], [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
            PDO::ATTR_TIMEOUT => 2,
        ]);
    }
    return $pdo;
}

function json_out(int $status, array $body): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    header('Cache-Control: no-store');
    echo json_encode($body, JSON_UNESCAPED_SLASHES), "\n";
}

function start_db_session(): void
{
    if (app_config()['session_handling'] !== 'database') {
        throw new RuntimeException('configuration.php: $session_handling must be \'database\'');
    }
    session_set_save_handler(new DbSessionHandler(db()), true);
    session_name('WHMCSHA');
    session_start();
}

/** Writes a compiled-template stand-in: templates_c/ differs per node, as in WHMCS. */
function touch_template_cache(string $name): void
{
    $dir = __DIR__ . '/../' . app_config()['templates_compiledir'];
    @file_put_contents($dir . '/' . $name . '.cache.php', '<?php /* compiled on ' . node_name() . ' at ' . date('c') . " */\n");
}

<?php
// Shaped like WHMCS's configuration.php. `pnpm lab up` fills in the password when it installs the app;
// the copy on every node is identical (whmcs-hactl check compares them).
$license = 'WHMCS-HA-LAB-STAND-IN';
$db_host = '127.0.0.1';
$db_port = '3306';
$db_username = 'whmcs';
$db_password = '';
$db_name = 'whmcs';
$cc_encryption_hash = '';
$templates_compiledir = 'templates_c';
$mysql_charset = 'utf8mb4';
$session_handling = 'database';

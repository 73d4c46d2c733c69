<?php
// templates_c/ is a per-node cache (WHMCS compiles templates here); file sync always excludes it.
header('Location: ../index.php');

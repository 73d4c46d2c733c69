export const PACKAGE = '@whmcs-ha/agent';

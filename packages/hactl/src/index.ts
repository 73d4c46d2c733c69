export const PACKAGE = '@whmcs-ha/hactl';

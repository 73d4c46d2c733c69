export const PACKAGE = '@whmcs-ha/coordinator';

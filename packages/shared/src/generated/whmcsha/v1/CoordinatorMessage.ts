// Original file: proto/whmcsha/v1/agent.proto

import type { Welcome as _whmcsha_v1_Welcome, Welcome__Output as _whmcsha_v1_Welcome__Output } from '../../whmcsha/v1/Welcome.js';
import type { Command as _whmcsha_v1_Command, Command__Output as _whmcsha_v1_Command__Output } from '../../whmcsha/v1/Command.js';
import type { Lease as _whmcsha_v1_Lease, Lease__Output as _whmcsha_v1_Lease__Output } from '../../whmcsha/v1/Lease.js';

export interface CoordinatorMessage {
  'welcome'?: (_whmcsha_v1_Welcome | null);
  'command'?: (_whmcsha_v1_Command | null);
  'lease'?: (_whmcsha_v1_Lease | null);
  'body'?: "welcome"|"command"|"lease";
}

export interface CoordinatorMessage__Output {
  'welcome'?: (_whmcsha_v1_Welcome__Output | null);
  'command'?: (_whmcsha_v1_Command__Output | null);
  'lease'?: (_whmcsha_v1_Lease__Output | null);
  'body'?: "welcome"|"command"|"lease";
}

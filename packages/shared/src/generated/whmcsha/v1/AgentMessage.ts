// Original file: proto/whmcsha/v1/agent.proto

import type { Hello as _whmcsha_v1_Hello, Hello__Output as _whmcsha_v1_Hello__Output } from '../../whmcsha/v1/Hello.js';
import type { Report as _whmcsha_v1_Report, Report__Output as _whmcsha_v1_Report__Output } from '../../whmcsha/v1/Report.js';
import type { CommandResult as _whmcsha_v1_CommandResult, CommandResult__Output as _whmcsha_v1_CommandResult__Output } from '../../whmcsha/v1/CommandResult.js';

export interface AgentMessage {
  'hello'?: (_whmcsha_v1_Hello | null);
  'report'?: (_whmcsha_v1_Report | null);
  'result'?: (_whmcsha_v1_CommandResult | null);
  'body'?: "hello"|"report"|"result";
}

export interface AgentMessage__Output {
  'hello'?: (_whmcsha_v1_Hello__Output | null);
  'report'?: (_whmcsha_v1_Report__Output | null);
  'result'?: (_whmcsha_v1_CommandResult__Output | null);
  'body'?: "hello"|"report"|"result";
}

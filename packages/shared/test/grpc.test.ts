import { describe, expect, it } from 'vitest';
import { serviceDefinition } from '@whmcs-ha/shared';

describe('proto loading', () => {
  it('exposes the three services with their methods', () => {
    expect(Object.keys(serviceDefinition('AgentLink'))).toEqual(['Connect']);
    expect(Object.keys(serviceDefinition('Raft'))).toEqual(['Send']);
    expect(Object.keys(serviceDefinition('Control')).sort()).toEqual(['Check', 'History', 'Operate', 'Status', 'Watch']);
  });

  it("exposes the coordinators' Peer service", () => {
    expect(Object.keys(serviceDefinition('Peer'))).toEqual(['View']);
  });
});

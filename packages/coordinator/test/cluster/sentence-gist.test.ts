import { describe, expect, it } from 'vitest';
import { sentenceGist } from '../../src/cluster/leader-loop.js';

describe('sentenceGist: when a decision sentence is logged again', () => {
  it('is the same while only a duration moves', () => {
    const a = 'no action: web001 looks down (its agent is silent for 2.5s) but the LB probe still sees it';
    const b = 'no action: web001 looks down (its agent is silent for 12.7s) but the LB probe still sees it';
    expect(sentenceGist(a)).toBe(sentenceGist(b));
    expect(sentenceGist('web002 lags 3s (max 10s)')).toBe(sentenceGist('web002 lags 4s (max 10s)'));
    expect(sentenceGist('done in 250 ms')).toBe(sentenceGist('done in 1999 ms'));
  });

  it('differs when the situation does: another node, epoch or GTID', () => {
    expect(sentenceGist('no action: web001 is active and healthy at epoch 2')).not.toBe(sentenceGist('no action: web001 is active and healthy at epoch 3'));
    expect(sentenceGist('web001 is active')).not.toBe(sentenceGist('web002 is active'));
    expect(sentenceGist('missing 1-1-173')).not.toBe(sentenceGist('missing 1-1-74'));
  });
});

import {
  callerIdentity,
  grpc,
  InputError,
  type ClusterStatus,
  type ControlHandlers,
  type DoctorAnswer,
  type DoctorReport,
  type HistoryEvent,
  type Logger,
  type OperateAccepted,
  type OperateReply,
  type WatchEvent,
} from '@whmcs-ha/shared';
import { runDoctor, type DoctorInput } from '../doctor/doctor.js';
import { encodeEntry, type ClusterState } from '../engine/cluster-state.js';
import type { EngineConfig, NodeObservation } from '../engine/node-health.js';
import { operateRequestSchema, planOperatorAction, type OperateRequest } from './operator-action.js';
import type { Consensus } from './ports.js';

/** What the Control service needs of the rest of the coordinator: narrow views, wired by compose.ts. */
export interface ControlDeps {
  /** this coordinator's id (answers name who answered) */
  id: string;
  consensus: Pick<Consensus, 'propose' | 'status'>;
  /** the committed state, and a subscription to its changes (returns the unsubscribe) */
  state(): ClusterState;
  onStateChange(listener: () => void): () => void;
  status(): ClusterStatus;
  observations(): NodeObservation[];
  engine: EngineConfig;
  /** the doctor's input, from this coordinator's latest reports */
  doctorInput(): DoctorInput;
  peerAddress(id: string): string | undefined;
}

/**
 * The Control service whmcs-hactl talks to. Reads are answered by any
 * coordinator (marked with whether it is the leader's view); writes are
 * planned and proposed by the leader, and a follower answers with the
 * leader's id and address so the client can go there.
 */
export class ControlService {
  rejected = 0;

  constructor(
    private readonly c: ControlDeps,
    private readonly logger: Logger,
  ) {}

  implementation(): ControlHandlers {
    return {
      Status: (_call, cb) => {
        const status = this.c.status();
        cb(null, { json: JSON.stringify(status), fromLeader: status.fromLeader });
      },
      History: (call, cb) => {
        const limit = Math.min(Math.max(Number(call.request.limit) || 20, 1), 1000);
        const events: HistoryEvent[] = this.c.state().history.slice(-limit);
        cb(null, { json: JSON.stringify(events), fromLeader: this.c.consensus.status().role === 'leader' });
      },
      Check: (_call, cb) => {
        const answer: DoctorAnswer = { ...this.check(), answeredBy: this.c.id };
        cb(null, { json: JSON.stringify(answer) });
      },
      Operate: (call, cb) => {
        this.operate(call.request, this.peerName(call))
          .then((r) => cb(null, r))
          .catch((e: unknown) => {
            if (e instanceof InputError) {
              this.rejected += 1;
              cb({ code: grpc.status.INVALID_ARGUMENT, details: e.message });
            } else {
              cb({ code: grpc.status.UNAVAILABLE, details: (e as Error).message });
            }
          });
      },
      Watch: (call) => {
        const send = (ev: WatchEvent) => {
          if (!call.writable) return;
          call.write(ev);
        };
        // the last event already sent, by content: each apply clones the state, and the history is capped,
        // so neither object identity nor index survives; events after it are the new ones
        const key = (ev: { at: number; kind: string; text: string; epoch: number }) => `${ev.at}\u0000${ev.kind}\u0000${ev.epoch}\u0000${ev.text}`;
        const first = this.c.state().history;
        let lastKey = first.length ? key(first[first.length - 1]!) : '';
        let lastAt = first[first.length - 1]?.at ?? 0;
        const onChange = () => {
          const h = this.c.state().history;
          let from = 0;
          if (lastKey) {
            let i = h.length - 1;
            while (i >= 0 && key(h[i]!) !== lastKey) i--;
            // not found: trimmed away under a burst; fall back to time order
            from = i >= 0 ? i + 1 : h.findIndex((ev) => ev.at > lastAt);
            if (from < 0) from = h.length;
          }
          for (const ev of h.slice(from)) send({ atMs: ev.at, kind: ev.kind, text: ev.text, json: JSON.stringify(ev) });
          if (h.length) {
            lastKey = key(h[h.length - 1]!);
            lastAt = h[h.length - 1]!.at;
          }
        };
        let lastSentence = '';
        const tick = setInterval(() => {
          const s: ClusterStatus = this.c.status();
          const sentence = s.lastDecision?.sentence ?? '';
          if (sentence && sentence !== lastSentence) {
            lastSentence = sentence;
            send({ atMs: Date.now(), kind: 'decision', text: sentence, json: '' });
          }
          send({ atMs: Date.now(), kind: 'status', text: '', json: JSON.stringify(s) });
        }, 1000);
        const unsubscribe = this.c.onStateChange(onChange);
        const end = () => {
          clearInterval(tick);
          unsubscribe();
        };
        call.on('cancelled', end);
        call.on('close', end);
        call.on('error', end);
      },
    };
  }

  check(): DoctorReport {
    return runDoctor(this.c.doctorInput());
  }

  private peerName(call: grpc.ServerUnaryCall<unknown, unknown>): string {
    // with mTLS the history names who acted, from their certificate
    const id = callerIdentity(call);
    return id ? `${id.role} ${id.name}` : `operator@${call.getPeer()}`;
  }

  async operate(raw: unknown, by: string): Promise<OperateReply> {
    const parsed = operateRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new InputError(i.path.join('.') || 'request', i.message);
    }
    const req: OperateRequest = parsed.data;
    const raft = this.c.consensus.status();
    if (raft.role !== 'leader' || !raft.leaseValid) {
      const leaderId = raft.leaderId ?? '';
      return {
        accepted: false,
        message: leaderId ? `not the leader; the leader is ${leaderId}` : 'no leader is elected right now; try again shortly',
        leaderId,
        leaderAddress: leaderId ? (this.c.peerAddress(leaderId) ?? '') : '',
        json: '',
      };
    }
    const plan = planOperatorAction(req, this.c.state(), this.c.observations(), this.c.engine, Date.now(), by);
    if (!plan.ok) return { accepted: false, message: plan.message, leaderId: raft.id, leaderAddress: '', json: '' };
    for (const e of plan.entries) await this.c.consensus.propose(encodeEntry(e));
    if (plan.warning) this.logger.warn({ action: req.action, by }, plan.warning);
    this.logger.info({ action: req.action, node: req.node, by }, plan.message);
    const opId = plan.entries.find((e) => e.type === 'op-begin');
    const accepted: OperateAccepted = {
      opId: opId?.type === 'op-begin' ? opId.id : null,
      to: opId?.type === 'op-begin' ? opId.to : null,
      epoch: this.c.state().epoch,
    };
    return {
      accepted: true,
      message: plan.warning ? `${plan.message} (warning: ${plan.warning})` : plan.message,
      leaderId: raft.id,
      leaderAddress: '',
      json: JSON.stringify(accepted),
    };
  }
}

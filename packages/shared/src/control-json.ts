/**
 * The JSON the Control service sends inside string fields, besides the status
 * object (status.ts): the one declaration of each, which the coordinator
 * produces and whmcs-hactl validates. Loose for the same reason as the status:
 * fields are only ever added, and an older hactl keeps what it does not know.
 */
import { z } from 'zod';

/** One entry of the replicated history (the engine stores it: a plain object, so its writes are exact). */
export const historyEventSchema = z.object({ at: z.number(), kind: z.string(), text: z.string(), epoch: z.number() });
export type HistoryEvent = z.infer<typeof historyEventSchema>;

/** `HistoryReply.json`: the latest events, oldest first. */
export const historyJsonSchema = z.array(historyEventSchema.loose());

export const checkStatusSchema = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/** One line of `whmcs-hactl check`: a verdict, what was seen, and (unless it passes) the one-line fix. */
export const checkResultSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  status: checkStatusSchema,
  detail: z.string(),
  fix: z.string(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** The doctor's verdict (DESIGN §9): ok unless a check fails. */
export const doctorReportSchema = z.looseObject({
  ok: z.boolean(),
  counts: z.looseObject({ pass: z.number(), warn: z.number(), fail: z.number() }),
  checks: z.array(checkResultSchema),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

/** `CheckReply.json`: the doctor's report and the coordinator whose reports it judged. */
export const doctorAnswerSchema = doctorReportSchema.extend({ answeredBy: z.string() });
export type DoctorAnswer = z.infer<typeof doctorAnswerSchema>;

/** `OperateReply.json` of an accepted request: the operation it began (if any) and the epoch when it was accepted. */
export const operateAcceptedSchema = z.looseObject({
  opId: z.string().nullable(),
  to: z.string().nullable(),
  epoch: z.number(),
});
export type OperateAccepted = z.infer<typeof operateAcceptedSchema>;

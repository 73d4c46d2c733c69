/**
 * Starts several throwaway servers at once; if any fails, stops the ones that
 * did start before rethrowing, so a failed beforeAll leaves no orphans.
 */
export async function startTogether<T extends readonly { stop(): Promise<void> }[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<{ stop(): Promise<void> }>[]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop().catch(() => undefined) : undefined)));
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

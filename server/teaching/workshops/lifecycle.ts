/**
 * The end of a workshop: its learners signed out, their shells ended and their labs deleted, at
 * once (an instructor ends it) or by the reaper job once its time is up.
 */
import type { AppContext, Job } from '../../context.js';
import type { WorkshopRecord } from '../../store/workshops.js';
import { terminalsFor } from '../../terminal.js';
import { hubOf, stateOf } from './model.js';

/** Ends a workshop: its learners are signed out and their labs deleted. Safe to run twice. */
export async function endWorkshop(ctx: AppContext, w: WorkshopRecord): Promise<void> {
  const members = ctx.store.workshops.members(w.id);
  const terminals = terminalsFor(ctx);
  for (const m of members) ctx.sessions.destroyForUser(m.userId);
  // Open learner pages hear it now (their notices stream), not after every lab is deleted.
  hubOf(ctx).emit('ending', w.id);
  for (const m of members) {
    // The shell goes first (its socket is closed and not reopened: the session is gone), then the lab.
    await terminals.endFor(m.userId, 'workshop-ended', 'The workshop has ended.').catch(() => undefined);
    await ctx.labs.release(m.userId).catch((err) => ctx.log.warn('cannot free a workshop lab', { userId: m.userId, err }));
  }
  ctx.store.workshops.markLabsFreed(w.id);
  hubOf(ctx).emit('changed', w.id);
  ctx.log.info('workshop ended; labs freed', { workshop: w.id, learners: members.length });
}

/** Frees labs of ended workshops, and any lab whose owner's workshop has ended. */
export async function reapWorkshops(ctx: AppContext): Promise<void> {
  for (const w of ctx.store.workshops.endedWithLabs()) await endWorkshop(ctx, w);
  for (const lab of ctx.store.labs.list()) {
    if (lab.ownerId === null || lab.state === 'deleting') continue;
    const w = ctx.store.workshops.workshopOf(lab.ownerId);
    if (w && stateOf(w) === 'ended') {
      ctx.log.info('reaping a lab that outlived its workshop', { lab: lab.name, workshop: w.id });
      ctx.sessions.destroyForUser(lab.ownerId);
      await ctx.labs.release(lab.ownerId).catch((err) => ctx.log.warn('cannot reap a workshop lab', { lab: lab.name, err }));
    }
  }
}

/** Background job: ended workshops free their labs (first soon after start-up adopted the labs of an earlier run). */
export function workshopReaperJob(ctx: AppContext): Job {
  return { name: 'workshop reaper', everyMs: 30_000, firstAfterMs: 5_000, run: () => reapWorkshops(ctx) };
}

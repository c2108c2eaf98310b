/** Workshop rules shared by the routes, the live socket and the reaper: state, permissions, the grid. */
import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Session } from '../../http/session.js';
import type { WorkshopMessage, WorkshopRecord } from '../../store/workshops.js';
import { courseOf } from '../../course/cache.js';
import { HttpError } from '../../errors.js';
import { exerciseStateOf, type ExerciseState } from '../../../shared/exercise.js';
import type { LabStatus } from '../../labs.js';

export type WorkshopState = 'scheduled' | 'open' | 'ended';

export function stateOf(w: WorkshopRecord, now = new Date().toISOString()): WorkshopState {
  if (w.closedAt || w.closesAt <= now) return 'ended';
  if (w.opensAt > now) return 'scheduled';
  return 'open';
}

/** Join codes: 8 characters without look-alikes (0/O, 1/I/L), shown as ABCD-EFGH. */
const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newJoinCode(): string {
  return Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
export function normaliseJoinCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 32);
}
export const displayJoinCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/** The instructor who created a workshop, or an admin, may run it. */
export function canManage(session: Session, w: WorkshopRecord): boolean {
  return session.user.role === 'admin' || (session.user.role === 'instructor' && w.createdBy === session.user.id);
}

export function managedWorkshop(ctx: AppContext, session: Session, idParam: unknown): WorkshopRecord {
  const id = Number(idParam);
  const w = Number.isInteger(id) ? ctx.store.workshops.get(id) : undefined;
  // Someone else's workshop is reported as missing, so its existence is not disclosed.
  if (!w || !canManage(session, w)) throw new HttpError(404, 'There is no such workshop.', 'See your workshops at /workshops.');
  return w;
}

/** A workshop that has ended keeps only its results: every other action is refused, saying why. */
export function refuseIfEnded(w: WorkshopRecord, doing: string): void {
  if (stateOf(w) !== 'ended') return;
  throw new HttpError(409, `This workshop has ended, so you cannot ${doing}: its learners are signed out and their labs deleted.`, `Its results and the CSV export stay on its page, /workshops/${w.id}.`);
}

export interface GridExercise {
  id: string;
  title: string;
  lessonId: string;
}

export interface GridLearner {
  userId: number;
  displayName: string;
  joinedAt: string;
  lab: LabStatus['state'];
  cells: Record<string, ExerciseState>;
}

export interface WorkshopSnapshot {
  workshop: { id: number; title: string; state: WorkshopState; opensAt: string; closesAt: string; capacity: number; joinCode: string; lessons: string[]; challenge: boolean };
  exercises: GridExercise[];
  learners: GridLearner[];
  messages: WorkshopMessage[];
}

export function exercisesOf(ctx: AppContext, w: WorkshopRecord): GridExercise[] {
  const course = courseOf(ctx);
  return w.lessons.flatMap((id) => course.lessons.find((l) => l.id === id)?.exercises.map((e) => ({ id: e.id, title: e.title, lessonId: id })) ?? []);
}

export function cellsOf(ctx: AppContext, userId: number, exercises: GridExercise[]): Record<string, ExerciseState> {
  const passed = ctx.store.attempts.passedExercises(userId);
  const tried = ctx.store.attempts.triedExercises(userId);
  return Object.fromEntries(exercises.map((e) => [e.id, exerciseStateOf(passed.has(e.id), tried.has(e.id))]));
}

export function snapshotOf(ctx: AppContext, w: WorkshopRecord): WorkshopSnapshot {
  const exercises = exercisesOf(ctx, w);
  return {
    workshop: { id: w.id, title: w.title, state: stateOf(w), opensAt: w.opensAt, closesAt: w.closesAt, capacity: w.capacity, joinCode: w.joinCode, lessons: w.lessons, challenge: w.challenge },
    exercises,
    learners: ctx.store.workshops.members(w.id).map((m) => ({
      userId: m.userId,
      displayName: m.displayName,
      joinedAt: m.joinedAt,
      lab: ctx.labs.statusOf(m.userId).state,
      cells: cellsOf(ctx, m.userId, exercises),
    })),
    messages: ctx.store.workshops.messages(w.id),
  };
}

/** Workshop events for live views: a learner joined, a message was sent, the times or state changed. */
export interface WorkshopEvents {
  member: [workshopId: number, userId: number];
  message: [workshopId: number, message: WorkshopMessage];
  changed: [workshopId: number];
  /** The workshop is ending: its learners' pages hear it before their labs are deleted (then `changed`). */
  ending: [workshopId: number];
}

const hubs = new WeakMap<AppContext, EventEmitter<WorkshopEvents>>();
export function hubOf(ctx: AppContext): EventEmitter<WorkshopEvents> {
  let hub = hubs.get(ctx);
  if (!hub) {
    hub = new EventEmitter<WorkshopEvents>();
    hub.setMaxListeners(0);
    hubs.set(ctx, hub);
  }
  return hub;
}

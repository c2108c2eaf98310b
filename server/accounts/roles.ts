/**
 * Role checks every module uses: a leaf (it knows sessions and roles, no routes, no pages), so a
 * page layout or a feature can ask "is this staff?" without importing the sign-in routes.
 */
import type { Request } from 'express';
import { HttpError } from '../errors.js';
import { requireSession, type Session } from '../http/session.js';
import type { Role } from '../store/users.js';

const staffRoles: Role[] = ['instructor', 'admin'];

/** The session of a signed-in user with one of these roles; 401 without a session, 403 with another role. */
export function requireRole(req: Request, roles: readonly Role[]): Session {
  const session = requireSession(req);
  if (!roles.includes(session.user.role)) {
    throw new HttpError(403, 'This page is for instructors.', 'Sign in with an instructor account.');
  }
  return session;
}

/** The session of a signed-in admin; 401 without a session, 403 for anyone else. */
export function requireAdmin(req: Request): Session {
  const session = requireSession(req);
  if (session.user.role !== 'admin') throw new HttpError(403, 'This page is for admins.', 'Sign in with an admin account.');
  return session;
}

export function requireStaff(req: Request): Session {
  return requireRole(req, staffRoles);
}

export function isStaff(session: Session | undefined): boolean {
  return !!session && staffRoles.includes(session.user.role);
}

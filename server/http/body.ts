import type { z } from 'zod';
import { HttpError } from '../errors.js';

/** A request body parsed with its schema; a 400 naming the first field that is not valid otherwise. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const i = parsed.error.issues[0]!;
  throw new HttpError(400, `The ${what}'s ${i.path.join('.') || 'form'} is not valid: ${i.message}.`);
}

/** The validation hook shared by every OpenAPIHono sub-app: a failed schema is a 400 `invalid_request`. */
import type { Hook } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    const first = issues[0];
    throw new ApiError(400, 'invalid_request', first ? `${first.path || 'body'}: ${first.message}` : 'Invalid request.', {
      issues,
    });
  }
};

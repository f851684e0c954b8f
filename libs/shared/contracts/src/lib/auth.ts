/** Access to the API when the server has an API_TOKEN: what the web client asks and posts to sign in. */

/** `GET /api/auth/session` (and the answer to `POST`): whether a token is needed, and whether this client has it. */
export interface AuthSession {
  /** The server has an API_TOKEN: every /api route but /api/health and /api/auth/session needs it. */
  required: boolean;
  /** This request carried the token (Bearer header or session cookie), or none is required. */
  authenticated: boolean;
}

/** `POST /api/auth/session`: trades the token for an HttpOnly session cookie (EventSource cannot send headers). */
export interface CreateSessionRequest {
  token: string;
}

/** The cookie that carries a browser's session. */
export const SESSION_COOKIE = 'ml_portal_session';

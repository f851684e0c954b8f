/** Where the sign-in page may send the user back to: a path of this app, never another site or the page itself. */

export const SIGN_IN_PATH = '/sign-in';

export function isSignInUrl(url: string): boolean {
  return url === SIGN_IN_PATH || /^\/sign-in[/?#]/.test(url);
}

export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || isSignInUrl(value)) {
    return '/';
  }
  return value;
}

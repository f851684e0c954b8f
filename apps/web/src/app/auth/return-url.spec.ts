import { isSignInUrl, safeReturnUrl } from './return-url';

describe('safeReturnUrl', () => {
  it('keeps a path of this app, query included', () => {
    expect(safeReturnUrl('/experiments/e1/runs/r1')).toBe('/experiments/e1/runs/r1');
    expect(safeReturnUrl('/experiments/e1?tab=runs')).toBe('/experiments/e1?tab=runs');
  });

  it.each([undefined, null, '', 'experiments', 'https://evil.example/', '//evil.example/x', '/\\evil.example', '/sign-in', '/sign-in?returnUrl=%2F'])(
    'turns %p into the home page',
    (value) => expect(safeReturnUrl(value)).toBe('/'),
  );

  it('knows the sign-in page', () => {
    expect(isSignInUrl('/sign-in')).toBe(true);
    expect(isSignInUrl('/sign-in?returnUrl=%2F')).toBe(true);
    expect(isSignInUrl('/sign-inside')).toBe(false);
    expect(isSignInUrl('/')).toBe(false);
  });
});

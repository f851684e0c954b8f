/**
 * Terminal colours for the portal's light and dark modes. The ANSI palette is chosen per mode so that every colour
 * a training script commonly prints (green "ok", yellow warnings, progress bars in cyan) stays readable on the
 * background: the light palette uses darker tones than a classic xterm's, the dark one softer ones.
 */
import type { ITheme } from '@xterm/xterm';

export const DARK_TERMINAL_THEME: ITheme = {
  background: '#14161b',
  foreground: '#d8dee9',
  cursor: '#14161b',
  cursorAccent: '#14161b',
  selectionBackground: '#3b4252',
  black: '#3b4252',
  red: '#f7768e',
  green: '#9ece6a',
  yellow: '#e0af68',
  blue: '#7aa2f7',
  magenta: '#bb9af7',
  cyan: '#7dcfff',
  white: '#c0caf5',
  brightBlack: '#6b7280',
  brightRed: '#ff8fa3',
  brightGreen: '#b9f27c',
  brightYellow: '#ffc777',
  brightBlue: '#9ab8ff',
  brightMagenta: '#d0b3ff',
  brightCyan: '#a4e4ff',
  brightWhite: '#ffffff',
  scrollbarSliderBackground: 'rgba(216, 222, 233, 0.2)',
  scrollbarSliderHoverBackground: 'rgba(216, 222, 233, 0.35)',
  scrollbarSliderActiveBackground: 'rgba(216, 222, 233, 0.5)',
};

export const LIGHT_TERMINAL_THEME: ITheme = {
  background: '#fbfbfd',
  foreground: '#1f2328',
  cursor: '#fbfbfd',
  cursorAccent: '#fbfbfd',
  selectionBackground: '#c8d7f5',
  black: '#24292f',
  red: '#c62828',
  green: '#1b7f37',
  yellow: '#8a6100',
  blue: '#0a5dc2',
  magenta: '#8250df',
  cyan: '#0b7285',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#116329',
  brightYellow: '#6f4c00',
  brightBlue: '#0349b4',
  brightMagenta: '#6639ba',
  brightCyan: '#085866',
  brightWhite: '#8c959f',
  scrollbarSliderBackground: 'rgba(31, 35, 40, 0.2)',
  scrollbarSliderHoverBackground: 'rgba(31, 35, 40, 0.35)',
  scrollbarSliderActiveBackground: 'rgba(31, 35, 40, 0.5)',
};

export const DARK_SCHEME_QUERY = '(prefers-color-scheme: dark)';

export function terminalTheme(dark: boolean): ITheme {
  return dark ? DARK_TERMINAL_THEME : LIGHT_TERMINAL_THEME;
}

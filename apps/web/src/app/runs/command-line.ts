/**
 * The launch form's text fields as the API wants them: the command as an argv array (it is executed directly,
 * never through a shell, so there is no quoting to undo) and the environment as a map.
 */
import type { AbstractControl, ValidationErrors } from '@angular/forms';
import { LIMITS } from '@ml-portal/contracts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** One argument per line, or a JSON array of strings (for arguments that contain line breaks). */
export function parseCommand(text: string): Parsed<string[]> {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { ok: false, error: 'Not a valid JSON array.' };
    }
    if (!Array.isArray(value) || !value.every((arg): arg is string => typeof arg === 'string')) {
      return { ok: false, error: 'The JSON array must contain only strings.' };
    }
    return checkArgs(value);
  }
  const args = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (args.length === 1 && /\s/.test(args[0])) {
    return {
      ok: false,
      error: 'Put each argument on its own line (the command does not go through a shell), or use a JSON array.',
    };
  }
  return checkArgs(args);
}

function checkArgs(args: string[]): Parsed<string[]> {
  if (args.length === 0 || args[0] === '') {
    return { ok: false, error: 'A command is required: the program first, then one argument per line.' };
  }
  if (args.length > LIMITS.commandArgs) {
    return { ok: false, error: `At most ${LIMITS.commandArgs} arguments.` };
  }
  const long = args.findIndex((arg) => arg.length > LIMITS.commandArgLength);
  if (long >= 0) {
    return { ok: false, error: `Argument ${long + 1} is longer than ${LIMITS.commandArgLength} characters.` };
  }
  return { ok: true, value: args };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=VALUE` lines; blank lines and lines starting with `#` are skipped. */
export function parseEnv(text: string): Parsed<Record<string, string>> {
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const equals = line.indexOf('=');
    const key = equals < 0 ? line : line.slice(0, equals).trim();
    if (equals < 0 || !ENV_NAME.test(key)) {
      return { ok: false, error: `Line ${index + 1}: expected KEY=VALUE with a name like MY_VAR.` };
    }
    env[key] = line.slice(equals + 1);
  }
  if (Object.keys(env).length > LIMITS.envEntries) {
    return { ok: false, error: `At most ${LIMITS.envEntries} variables.` };
  }
  return { ok: true, value: env };
}

export function commandValidator(control: AbstractControl<string>): ValidationErrors | null {
  const parsed = parseCommand(control.value ?? '');
  return parsed.ok ? null : { command: parsed.error };
}

export function envValidator(control: AbstractControl<string>): ValidationErrors | null {
  const parsed = parseEnv(control.value ?? '');
  return parsed.ok ? null : { env: parsed.error };
}

/** For display: the argv as a shell user would type it (quoted where needed). */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

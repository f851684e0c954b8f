import { formatCommand, parseCommand, parseEnv } from './command-line';

describe('parseCommand', () => {
  it('takes one argument per line, ignoring blank lines and surrounding spaces', () => {
    expect(parseCommand('python3\n  train.py \n\n--epochs\n3\n')).toEqual({
      ok: true,
      value: ['python3', 'train.py', '--epochs', '3'],
    });
  });

  it('takes a JSON array, for arguments with spaces or line breaks', () => {
    expect(parseCommand('["python3", "-c", "print(1)\\nprint(2)"]')).toEqual({
      ok: true,
      value: ['python3', '-c', 'print(1)\nprint(2)'],
    });
  });

  it('explains that a one-line shell command must be split', () => {
    const parsed = parseCommand('python3 train.py --epochs 3');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain('own line');
  });

  it.each([
    ['', 'required'],
    ['   \n ', 'required'],
    ['[1, 2]', 'only strings'],
    ['[nope', 'JSON'],
    ['[""]', 'required'],
  ])('rejects %j', (text, message) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(message);
  });
});

describe('parseEnv', () => {
  it('reads KEY=VALUE lines, keeping "=" in values and skipping comments', () => {
    expect(parseEnv('# tuning\nLR=0.1\n\nOPTS=a=b\nEMPTY=\n')).toEqual({
      ok: true,
      value: { LR: '0.1', OPTS: 'a=b', EMPTY: '' },
    });
  });

  it('names the line that is wrong', () => {
    expect(parseEnv('A=1\nnot a pair')).toEqual({ ok: false, error: expect.stringContaining('Line 2') });
    expect(parseEnv('1BAD=x')).toEqual({ ok: false, error: expect.stringContaining('Line 1') });
  });
});

describe('formatCommand', () => {
  it('quotes only what a shell would need quoted', () => {
    expect(formatCommand(['python3', 'train.py', '--name', "it's a run"])).toBe(
      `python3 train.py --name 'it'\\''s a run'`,
    );
  });
});

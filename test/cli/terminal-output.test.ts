import { afterEach, expect, it, vi } from 'vitest';
import { TerminalOutput } from '../../src/cli/terminal-output';

afterEach(() => vi.useRealTimers());

it('animates a spinner on a TTY, clearing it around printed lines', () => {
  vi.useFakeTimers();
  const lines: string[] = [];
  let raw = '';
  const out = new TerminalOutput((line) => lines.push(line), (text) => (raw += text));
  const stop = out.spin('calling Cognito');
  expect(raw).toBe('\r\x1b[K  ⠋ calling Cognito');
  vi.advanceTimersByTime(80);
  expect(raw.endsWith('\r\x1b[K  ⠙ calling Cognito')).toBe(true);
  raw = '';
  out.line('state  federated');
  expect(lines).toEqual(['state  federated']);
  expect(raw).toBe('\r\x1b[K\r\x1b[K  ⠙ calling Cognito');
  raw = '';
  stop();
  expect(raw).toBe('\r\x1b[K');
  vi.advanceTimersByTime(1000);
  expect(raw).toBe('\r\x1b[K');
});

it('prints plain lines, once, without a TTY', () => {
  const lines: string[] = [];
  const out = new TerminalOutput((line) => lines.push(line));
  const stop = out.spin('calling Cognito');
  out.update('still calling');
  out.line('done');
  stop();
  out.close();
  expect(lines).toEqual(['  … calling Cognito', 'done']);
});

import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES, formatBytes, importFileProblem, importSummary, type ImportReport } from './transfer';

function report(change: Partial<ImportReport> = {}): ImportReport {
  return {
    items_added: 0,
    items_present: 0,
    logs_added: 0,
    logs_present: 0,
    tv_progress_updated: 0,
    shows_tagged: 0,
    language_choices: 0,
    ...change,
  };
}

describe('formatBytes', () => {
  it('writes sizes as file managers do', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(4_200)).toBe('4.2 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(MAX_IMPORT_BYTES)).toBe('67.1 MB');
  });
  it('goes up a unit rather than show 1000.0', () => {
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(999_949)).toBe('999.9 kB');
  });
});

describe('importFileProblem', () => {
  const file = (name: string, size: number, type = 'application/json') => ({ name, size, type });
  it('lets an export of any size up to the limit through', () => {
    expect(importFileProblem(file('immersion-tracker-alice-2026-12-02.json', 1))).toBeNull();
    expect(importFileProblem(file('export.json', MAX_IMPORT_BYTES))).toBeNull();
    // Some systems give .json files no type: the server reads the content anyway.
    expect(importFileProblem(file('export.json', 10, ''))).toBeNull();
  });
  it('says what is wrong before anything is sent', () => {
    expect(importFileProblem(null)).toBe('Choose the .json file of an export first.');
    expect(importFileProblem(file('empty.json', 0))).toBe('empty.json is empty.');
    expect(importFileProblem(file('big.json', MAX_IMPORT_BYTES + 1))).toBe(
      'big.json is 67.1 MB; the server takes at most 67.1 MB (64 MiB) at once.',
    );
    expect(importFileProblem(file('big.json', 70_000_000))).toMatch(/^big.json is 70.0 MB;/);
  });
  it('turns the CSV export away: only the JSON one can be imported', () => {
    expect(importFileProblem(file('immersion-tracker-alice.CSV', 10, ''))).toMatch(/CSV export cannot be imported/);
    expect(importFileProblem(file('data', 10, 'text/csv'))).toMatch(/choose the JSON one/);
  });
});

describe('importSummary', () => {
  it('says what was added and what was there already', () => {
    expect(importSummary(report({ items_added: 5, logs_added: 1, items_present: 3 }))).toBe(
      'Added 5 items and 1 log; 3 items were already there.',
    );
    expect(importSummary(report({ items_added: 1 }))).toBe('Added 1 item.');
    expect(importSummary(report({ logs_added: 2, logs_present: 1 }))).toBe('Added 2 logs; 1 log was already there.');
    expect(importSummary(report({ items_added: 1234, items_present: 2, logs_present: 7 }))).toBe(
      'Added 1,234 items; 2 items and 7 logs were already there.',
    );
  });
  it('says a second import of the same file added nothing', () => {
    expect(importSummary(report({ items_present: 12, logs_present: 3 }))).toBe('Nothing new: 12 items and 3 logs were already there.');
    expect(importSummary(report({ logs_present: 1 }))).toBe('Nothing new: 1 log was already there.');
  });
  it('mentions the TV progress, tags and language choices only when there were some', () => {
    expect(importSummary(report())).toBe('The file had no items or logs.');
    expect(importSummary(report({ items_added: 2, tv_progress_updated: 1, shows_tagged: 3, language_choices: 1 }))).toBe(
      'Added 2 items. It also updated the progress of 1 TV show, tagged 3 show folders and set 1 language choice.',
    );
    expect(importSummary(report({ items_present: 1, language_choices: 2 }))).toBe(
      'Nothing new: 1 item was already there. It also set 2 language choices.',
    );
  });
});

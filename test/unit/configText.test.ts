import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText, runsDirOverride } from '../../extension/configText';

void describe('parseConfigText', () => {
  void it('reads JSON with line and block comments and trailing commas', () => {
    const text = `{
  // the name
  "name": "a // not a comment", /* block
  comment */ "url": "http://x/*y*/",
  "scales": [0.5, 1,], // trailing
  "esc": "quote \\" // still a string",
}`;
    const parsed = parseConfigText(text);
    assert.deepEqual(parsed, {
      ok: true,
      value: {
        name: 'a // not a comment',
        url: 'http://x/*y*/',
        scales: [0.5, 1],
        esc: 'quote " // still a string',
      },
    });
  });

  void it('points at the line and column of a syntax error in the original text', () => {
    const parsed = parseConfigText('{\n  // c\n  "a": 1\n  "b": 2\n}');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.equal(parsed.line, 4);
      assert.equal(parsed.column, 3);
      assert.equal(parsed.message, 'comma expected');
    }
  });
});

void describe('runsDirOverride', () => {
  const base = { workspaceFolder: '/ws', configDir: '/ws/configs' };
  void it('uses the setting against the workspace folder', () => {
    assert.equal(
      runsDirOverride({ ...base, configRunsDir: undefined, settingRunsDir: '.scalenet/runs' }),
      '/ws/.scalenet/runs',
    );
    assert.equal(runsDirOverride({ ...base, configRunsDir: '', settingRunsDir: '/abs' }), '/abs');
  });
  void it("leaves a config's own runsDir to the sidecar (config-relative, as the CLI)", () => {
    assert.equal(
      runsDirOverride({ ...base, configRunsDir: '../runs', settingRunsDir: '.scalenet/runs' }),
      undefined,
    );
  });
  void it('falls back to the config folder outside a workspace, and to the default', () => {
    assert.equal(
      runsDirOverride({
        workspaceFolder: undefined,
        configDir: '/tmp/c',
        configRunsDir: undefined,
        settingRunsDir: ' ',
      }),
      '/tmp/c/.scalenet/runs',
    );
  });
});

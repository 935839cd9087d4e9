/**
 * New Config → "Your own images", through the stand-in `vscode` module: the user's
 * question (where are the unlabelled images, where the labelled ones) with folder
 * pickers, the counts found, a suggested method and scales for the image size, and a
 * commented config the schema and the checker accept and the sidecar resolves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'jsonc-parser';
import * as fake from '../fixtures/vscode/fakeVscode';
import { writeLabelled, writePool } from '../helpers/imageFolders';

fake.install();

const workspace = mkdtempSync(join(tmpdir(), 'scalenet-own-config-'));
const poolDir = join(workspace, 'frames');
const labelledDir = join(workspace, 'annotated');

void describe('New Config: your own images', () => {
  before(async () => {
    await writePool(poolDir, 30, 40, 1);
    await writeLabelled(labelledDir, 10, 40, 2);
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  void it('asks for both folders, tells the counts and writes a commented config', async () => {
    const { newConfig } = await import('../../extension/commands/newConfig');
    const { checkConfigText } = await import('../../sidecar/protocol/configCheck');
    const { resolveConfig } = await import('../../sidecar/config/resolveConfig');
    fake.state.activeEditor = {
      document: new fake.FakeTextDocument(fake.Uri.file(join(workspace, 'old.scalenet.json'))),
    };
    fake.state.openDialogAnswers = [[fake.Uri.file(poolDir)], [fake.Uri.file(labelledDir)]];
    const uri = (await newConfig()) as unknown as fake.Uri;
    // The question comes first in the picker, and the pickers ask it.
    const items = fake.state.quickPicks.at(-1)!.items as { label: string }[];
    assert.equal(items[0].label, 'Your own images');
    assert.deepEqual(
      fake.state.openDialogs.map((d) => d.title),
      [
        'ScaleNet: Where are your unlabelled images? (any depth, no classes)',
        'ScaleNet: Where are your labelled images? (one subfolder per class)',
      ],
    );
    assert.equal(uri.fsPath, join(workspace, 'own-images.scalenet.json'));
    const told = fake.state.messages.at(-1)!;
    assert.equal(
      told.text,
      'ScaleNet: unlabelled: 30 images (15 PNG, 15 JPEG); labelled: 20 images in 2 classes (blue 10, red 10), split 70/30 by the run.',
    );

    const text = readFileSync(uri.fsPath, 'utf8');
    assert.match(text, /^ {2}\/\/ Your own images: the pretext task learns/m);
    assert.match(text, /^ {2}\/\/ Suggested: images 40 px: trained at 32 px/m);
    const value = parse(text) as {
      method: string;
      data: { dataset: string; path: string; imageSize: number };
      pretext: { scales: number[] };
      evaluation: { data: { dataset: string; path: string }; finetune: { labels: number[] } };
    };
    assert.equal(value.method, 'scalenet');
    assert.deepEqual(value.pretext.scales, [0.5, 1]);
    assert.deepEqual(value.data, {
      dataset: 'pool',
      path: 'frames',
      channels: 3,
      imageSize: 32,
      inputMode: 'original',
    });
    assert.deepEqual(value.evaluation.data, { dataset: 'folder', path: 'annotated' });
    // 70% of the 20 labelled images train the classifier.
    assert.deepEqual(value.evaluation.finetune.labels, [14]);
    const schema = JSON.parse(
      readFileSync(join(__dirname, '../../schemas/scalenet.schema.json'), 'utf8'),
    ) as object;
    assert.ok(new Ajv().validate(schema, value), 'the schema accepts it');
    const problems = checkConfigText(text, { configDir: workspace, exists: () => true });
    assert.deepEqual(problems, []);
    assert.equal(resolveConfig(value, uri.fsPath).data.dataset, 'pool');
  });

  void it('suggests RotNet for images too small to halve, ScaleNet at 64 px for large ones', async () => {
    const { suggestSetup } = await import('../../extension/ownImagesSetup');
    assert.deepEqual(
      [16, 28, 96].map((side) => {
        const s = suggestSetup(side);
        return [s.method, s.scales, s.imageSize];
      }),
      [
        ['rotnet', [1], 16],
        ['scalenet', [0.5, 1], 32],
        ['scalenet', [0.5, 1], 64],
      ],
    );
  });

  void it('reads image sizes from PNG and JPEG headers', async () => {
    const { imageHeaderSize, surveyPool } = await import('../../extension/ownImagesSetup');
    const survey = surveyPool(poolDir);
    assert.equal(survey.images, 30);
    const jpeg = join(poolDir, 'day1', 'scope-a', 'frame-1.jpg');
    assert.deepEqual(imageHeaderSize(jpeg), { width: 40, height: 40 });
    assert.deepEqual(imageHeaderSize(join(poolDir, 'day1', 'frame-0.png')), {
      width: 40,
      height: 40,
    });
  });

  void it('refuses a labelled folder without two classes and writes nothing', async () => {
    const { newConfig } = await import('../../extension/commands/newConfig');
    fake.state.openDialogAnswers = [[fake.Uri.file(poolDir)], [fake.Uri.file(poolDir)]];
    const uri = await newConfig();
    assert.equal(uri, undefined);
    assert.match(fake.state.messages.at(-1)!.text, /needs at least two class subfolders/);
  });
});

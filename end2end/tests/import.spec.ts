import { test, expect, ready, expectAccessible, screenshot, SignInPage, DEMO_PASSWORD } from './fixtures';
import * as fs from 'node:fs';
import * as path from 'node:path';

test('an editor imports the sample CSV, then finds and opens an imported finding', async ({ page, hydrated, request }) => {
  // The sample, as a person would download it from the import page.
  const sample = await (await request.get('/evidence/sample.csv')).text();
  const file = path.join(test.info().outputPath(), 'sample.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sample);

  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/evidence');
  await signIn.signIn('marco.bellini@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/evidence$/);
  await page.getByRole('link', { name: /field phase 2/ }).first().click();
  await ready(page, hydrated);
  await page.getByRole('link', { name: 'Import from CSV' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import from CSV');
  await ready(page, hydrated);
  const importPage = page.url();
  await expect(page.getByRole('link', { name: 'download the sample file' })).toBeVisible();
  await expectAccessible(page, hydrated);

  const importSample = async (round: number) => {
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check the import');
    await ready(page, hydrated);
    await expect(page.getByText('3 rows, 3 ready to import')).toBeVisible();
    if (round === 1) {
      await expectAccessible(page, hydrated);
      await screenshot(page, 'import-preview', hydrated);
    }
    await page.getByRole('button', { name: 'Import 3 findings' }).click();
  };
  // The first import adds the three findings, unless the other project's run of this test
  // (same server, same sample) already has: then they are there unchanged.
  await importSample(1);
  await expect(page.getByText(/Import finished: (3 new, 0 updated, 0 unchanged|0 new, 0 updated, 3 unchanged)\./)).toBeVisible();
  // Importing the same file again changes nothing.
  await page.goto(importPage);
  await ready(page, hydrated);
  await importSample(2);
  await expect(page.getByText('Import finished: 0 new, 0 updated, 3 unchanged.')).toBeVisible();

  await page.goto('/evidence');
  await ready(page, hydrated);
  await page.getByLabel('Search the findings').fill('nobody asked where I come from');
  await page.getByLabel('Country').selectOption('HU');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('link', { name: 'hu-2021-testimony-01' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('hu-2021-testimony-01');
  await ready(page, hydrated);
  await expect(page.getByText('At the camp nobody asked where I come from')).toBeVisible();
  await expectAccessible(page, hydrated);
});

test('a file with problems is explained line by line', async ({ page, hydrated }) => {
  const file = path.join(test.info().outputPath(), 'broken.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    'key,kind,text,country,collected_on,consent,visibility\n' +
      'bad key,testimony,Text.,FR,2021-01-01,given,public\n' +
      'ok-2021-testimony-09,testimony,Text.,ZZ,2021-01-01,given,public\n',
  );
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/evidence');
  await signIn.signIn('liisa.virtanen@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/evidence$/);
  await page.getByLabel('Assessment').selectOption({ label: 'Inclusive workcamps, field phase 1: testimonies and outcomes' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('link', { name: /field phase 1/ }).first().click();
  await ready(page, hydrated);
  await page.getByRole('link', { name: 'Import from CSV' }).click();
  await ready(page, hydrated);
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('alert')).toContainText('2 problem(s) found. Nothing has been imported');
  const rows = page.getByRole('table', { name: 'Problems found, by line' }).getByRole('row');
  await expect(rows.nth(1)).toContainText('2');
  await expect(rows.nth(1)).toContainText('cannot contain spaces');
  await expect(rows.nth(2)).toContainText('Choose a country from the list');
  await expect(page.getByRole('button', { name: /Import/ })).toHaveCount(0);
  await expectAccessible(page, hydrated);
});

import { test, expect, ready, expectAccessible, SignInPage, DEMO_PASSWORD } from './fixtures';
import * as fs from 'node:fs';
import * as path from 'node:path';

// What a French office's Excel saves as "CSV (séparateur : point-virgule)": Windows-1252 bytes,
// semicolons, French column names, countries by name and dates day first.
const FRENCH_EXCEL_CSV =
  'Clé;Type;Texte;Pays;Date de collecte;Consentement;Visibilité\r\n' +
  'fr-2022-testimony-61;testimony;À Besançon, les bénévoles ont préparé le chantier ensemble.;France;14/07/2022;given;public\r\n' +
  'de-2022-testimony-62;testimony;Die Bürger von Göttingen haben mitgeholfen.;Allemagne;01.08.2022;given;public\r\n';

test('an editor imports a French Excel file and finds its findings with or without accents', async ({ page, hydrated }) => {
  const file = path.join(test.info().outputPath(), 'constats.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Every character above is in Latin-1, where Windows-1252 and Latin-1 agree.
  fs.writeFileSync(file, Buffer.from(FRENCH_EXCEL_CSV, 'latin1'));

  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/evidence');
  await signIn.signIn('marco.bellini@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/evidence$/);
  await page.getByRole('link', { name: /field phase 2/ }).first().click();
  await ready(page, hydrated);
  await page.getByRole('link', { name: 'Import from CSV' }).click();
  await ready(page, hydrated);
  await page.getByLabel('CSV file').setInputFiles(file);
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check the import');
  await ready(page, hydrated);
  await expect(page.getByText('Read as Windows-1252, fields separated by semicolons.')).toBeVisible();
  await expect(page.getByText('2 rows, 2 ready to import')).toBeVisible();
  const rows = page.getByRole('table').last().getByRole('row');
  await expect(rows.nth(1)).toContainText('France');
  await expect(rows.nth(1)).toContainText('2022-07-14');
  await expect(rows.nth(1)).toContainText('À Besançon, les bénévoles');
  await expect(rows.nth(2)).toContainText('Germany');
  await expect(rows.nth(2)).toContainText('Die Bürger von Göttingen');
  await expectAccessible(page, hydrated);
  await page.getByRole('button', { name: 'Import 2 findings' }).click();
  // The second project imports the same file again: then nothing is new.
  await expect(page.getByText(/Import finished: \d new, 0 updated, \d unchanged\./)).toBeVisible();

  for (const typed of ['Besançon', 'Besancon']) {
    await page.goto('/evidence');
    await ready(page, hydrated);
    await page.getByLabel('Search the findings').fill(typed);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('link', { name: 'fr-2022-testimony-61' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'de-2022-testimony-62' })).toHaveCount(0);
    await expectAccessible(page, hydrated);
  }
  await page.getByRole('link', { name: 'fr-2022-testimony-61' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('fr-2022-testimony-61');
  await expect(page.getByText('À Besançon, les bénévoles ont préparé le chantier ensemble.')).toBeVisible();
});

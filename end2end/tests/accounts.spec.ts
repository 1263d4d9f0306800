import { test, expect, ready, expectAccessible, screenshot, watchProblems, SignInPage, ADMIN, MEMBER, DEMO_PASSWORD } from './fixtures';

test('the home page explains Groundwork and is accessible', async ({ page, hydrated }) => {
  await page.goto('/');
  await ready(page, hydrated);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Policy recommendations, grounded in evidence');
  await expect(page.getByRole('link', { name: 'Sign in', exact: true })).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'home', hydrated);
});

test('a member signs in, sees their account, and signs out', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'login', hydrated);
  await signIn.signIn(MEMBER, DEMO_PASSWORD);

  await expect(page).toHaveURL(/\/$/);
  await ready(page, hydrated);
  const header = page.getByRole('banner');
  await expect(header).toContainText('Zsófia Kovács');
  await expect(header).toContainText('Kapocs Youth Association');
  await expect(page.getByText('Welcome back, Zsófia Kovács.')).toBeVisible();
  // Members have no administration link.
  await expect(header.getByRole('link', { name: 'Administration' })).toHaveCount(0);

  await header.getByRole('link', { name: 'My account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My account');
  await ready(page, hydrated);
  await expect(page.getByText('zsofia.kovacs@example.org')).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'account', hydrated);

  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('banner')).not.toContainText('Zsófia Kovács');
});

test('a wrong password is explained and the email is kept', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open();
  await signIn.signIn('lucia.romero@example.org', 'not the password');
  await expect(page.getByRole('alert')).toContainText('Email or password not accepted');
  await expect(page.getByLabel('Email')).toHaveValue('lucia.romero@example.org');
  await expectAccessible(page, hydrated);
  await screenshot(page, 'login-error', hydrated);
});

test('the language switch changes the whole page and is remembered', async ({ page, hydrated }) => {
  await page.goto('/login');
  await ready(page, hydrated);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('group', { name: 'Language' }).getByRole('link', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByLabel('Mot de passe')).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'login-fr', hydrated);

  // Remembered on the next visit (cookie), rendered in French by the server.
  await page.goto('/');
  await ready(page, hydrated);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Des recommandations politiques fondées sur des preuves');
  await page.getByRole('group', { name: 'Langue' }).getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Policy recommendations, grounded in evidence');
});

test('an administrator manages the network', async ({ page, hydrated, pageProblems }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/admin');
  await signIn.signIn(ADMIN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/admin/);
  await ready(page, hydrated);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');
  await expect(page.locator('#organisations').getByRole('cell', { name: 'Mediterranean Learning Alliance' })).toBeVisible();
  await expectAccessible(page, hydrated);

  const email = `new.${hydrated ? 'hydrated' : 'ssr'}@example.org`;
  const invitations = page.locator('#invitations');
  await invitations.getByLabel('Email').fill(email);
  await invitations.getByLabel('Role').selectOption('editor');
  await invitations.getByRole('button', { name: 'Create invitation' }).click();
  await expect(page.getByText(`Invitation for ${email} created`)).toBeVisible();
  const link = await page.getByLabel('Invitation link').inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await screenshot(page, 'admin', hydrated);

  // The invitee (another browser) accepts and is signed in.
  const invitee = await page.context().browser()!.newContext({ javaScriptEnabled: hydrated });
  const other = await invitee.newPage();
  watchProblems(other, pageProblems);
  await other.goto(link);
  await ready(other, hydrated);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Join your network');
  await other.getByLabel('Your name').fill('Newcomer Person');
  await other.getByLabel('New password', { exact: true }).fill('a long enough passphrase');
  await other.getByLabel('New password, again').fill('a long enough passphrase');
  await other.getByRole('button', { name: 'Create my account' }).click();
  await expect(other.getByText('Your account is ready')).toBeVisible();
  await expect(other.getByRole('banner')).toContainText('Newcomer Person');
  await invitee.close();
});

test('a member is kept out of administration', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open();
  await signIn.signIn('camille.dubois@example.org', DEMO_PASSWORD);
  await expect(page.getByRole('banner')).toContainText('Camille Dubois');
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not allowed');
});

test('an unknown address shows a helpful 404 page', async ({ page, hydrated }) => {
  const response = await page.goto('/this/does/not/exist');
  expect(response?.status()).toBe(404);
  await ready(page, hydrated);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expectAccessible(page, hydrated);
});

test('the password can be shown once the page is live', async ({ page, hydrated }) => {
  test.skip(!hydrated, 'needs JavaScript');
  const signIn = new SignInPage(page, hydrated);
  await signIn.open();
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('secret words');
  await expect(password).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Hide' }).click();
  await expect(password).toHaveAttribute('type', 'password');
});

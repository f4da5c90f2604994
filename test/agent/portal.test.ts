import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import { PORTAL_INVOICES, PORTAL_SHA256 } from '../fixtures/portal/invoices.ts';
import {
  PORTAL_PASSWORD,
  PORTAL_USER,
  type Portal,
  startPortal,
} from '../fixtures/portal/server.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { runPlanner } from './support/session-runner.ts';

let portal: Portal;
let harness: BrowserHarness;
const login = `Log in as ${PORTAL_USER} with password ${PORTAL_PASSWORD} and`;
const planner = () => createCodePlanner({ now: () => new Date('2026-01-10T09:00:00Z') });

beforeAll(async () => {
  portal = await startPortal();
  harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness.close();
  await portal.close();
});

function expectInvoices(files: { filename: string; sha256: string }[], ids: string[]) {
  expect(files.map((f) => f.filename).sort()).toEqual(ids.map((id) => `invoice-${id}.pdf`).sort());
  for (const file of files) expect(file.sha256).toBe(PORTAL_SHA256[file.filename]);
}

describe('code planner on the billing portal', () => {
  it('logs in, opens Billing and downloads the March 2025 invoice in 3 steps', async () => {
    const run = await runPlanner(harness, planner(), {
      goal: `${login} download the March 2025 invoice`,
      url: `${portal.url}/login`,
    });

    expect(run.final.kind).toBe('done');
    expectInvoices(run.files, ['2025-03']);
    expect(run.steps).toBe(3);
    expect(portal.requests.get('GET /billing/invoices/2025-03/pdf')).toBe(1);
  });

  it('downloads the latest invoice, the newest of the list', async () => {
    const run = await runPlanner(harness, planner(), {
      goal: `${login} get me the latest invoice`,
      url: portal.url,
    });

    expect(run.final.kind).toBe('done');
    expectInvoices(run.files, ['2025-12']);
    expect(run.steps).toBeLessThanOrEqual(4);
  });

  it('downloads exactly the 12 invoices of 2024 across the pages', async () => {
    const run = await runPlanner(harness, planner(), {
      goal: `${login} download all invoices from 2024`,
      url: portal.url,
    });

    expect(run.final.kind).toBe('done');
    const ids = PORTAL_INVOICES.filter((i) => i.year === 2024).map((i) => i.id);
    expectInvoices(run.files, ids);
    expect(run.steps).toBeLessThanOrEqual(6);
  });

  it('ends terminated, naming the month, when the invoice does not exist', async () => {
    const run = await runPlanner(harness, planner(), {
      goal: `${login} download the invoice for February 2031`,
      url: portal.url,
    });

    expect(run.final.kind).toBe('impossible');
    expect(run.final.kind === 'impossible' && run.final.reason).toMatch(/February 2031/);
    expect(run.files).toEqual([]);
    expect(run.steps).toBeLessThanOrEqual(3);
  });

  it('ends terminated with a login-failure reason within 3 steps on a wrong password', async () => {
    const run = await runPlanner(harness, planner(), {
      goal: `Log in as ${PORTAL_USER} with password not-the-password and download the latest invoice`,
      url: portal.url,
      maxSteps: 10,
    });

    expect(run.final.kind).toBe('impossible');
    expect(run.final.kind === 'impossible' && run.final.reason).toMatch(
      /login.*refused.*Invalid username or password/i,
    );
    expect(run.steps).toBeLessThanOrEqual(3);
    const reasons = run.decisions.map((d) => JSON.stringify({ ...d, actions: undefined }));
    expect(reasons.join('\n')).not.toContain('not-the-password');
  });

  it('reads the same task written in Spanish, French, German and Portuguese', async () => {
    const goals = [
      `Inicia sesión como ${PORTAL_USER} con la contraseña ${PORTAL_PASSWORD} y descarga la factura de marzo de 2025`,
      `Connecte-toi en tant que ${PORTAL_USER} avec le mot de passe ${PORTAL_PASSWORD} et télécharge la facture de mars 2025`,
      `Melde dich als ${PORTAL_USER} mit dem Passwort ${PORTAL_PASSWORD} an und lade die Rechnung März 2025 herunter`,
      `Entre como ${PORTAL_USER} com a senha ${PORTAL_PASSWORD} e baixe a fatura de março de 2025`,
    ];
    for (const goal of goals) {
      const run = await runPlanner(harness, planner(), { goal, url: portal.url });

      expect(run.final.kind, goal).toBe('done');
      expectInvoices(run.files, ['2025-03']);
    }
  });
});

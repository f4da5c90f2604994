import { describe, expect, it } from 'vitest';
import { parseGoal } from '../../lib/agent/goal.ts';
import { pageRefusal } from '../../lib/agent/refusals.ts';

const goal = parseGoal('Download the latest invoice', new Date('2026-12-01T00:00:00Z'));

describe('pages that say there is nothing to download', () => {
  it.each([
    'No documents found.',
    'You have no invoices yet.',
    'Keine Dokumente vorhanden.',
    'Aucun document disponible.',
    'No hay facturas disponibles.',
    'Nenhuma fatura encontrada.',
  ])('reads "%s" as a refusal', (text) => {
    expect(pageRefusal(`Billing\n${text}`, goal)).toMatch(/^The site has no /);
  });

  it.each(['No overdue invoices. See all invoices in Billing.', 'Invoices 2024 and 2025'])(
    'does not read "%s" as a refusal',
    (text) => {
      expect(pageRefusal(`Dashboard\n${text}`, goal)).toBeNull();
    },
  );
});

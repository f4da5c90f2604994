import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Goal, parseGoal } from '../../lib/agent/goal.ts';

const NOW = new Date('2026-12-03T12:00:00Z');

interface Expectation {
  count?: Goal['count'];
  period?: Goal['period'];
  latest?: boolean;
  concepts?: string[];
  fileKinds?: string[];
  /** Each listed term must be the terms of one target, in any order. */
  targets?: string[];
  intent?: Goal['intent'];
  printAsPdf?: boolean;
  keywords?: string[];
  /** The login read from the goal (its password must be found too). */
  username?: string;
}

function check(text: string, expected: Expectation): void {
  const goal = parseGoal(text, NOW);
  const context = `goal: ${text}\nparsed: ${JSON.stringify(goal)}`;
  if (expected.count) expect(goal.count, context).toEqual(expected.count);
  if (expected.period !== undefined) expect(goal.period, context).toEqual(expected.period);
  if (expected.latest !== undefined) expect(goal.latest, context).toBe(expected.latest);
  for (const concept of expected.concepts ?? []) expect(goal.concepts, context).toContain(concept);
  for (const kind of expected.fileKinds ?? []) expect(goal.fileKinds, context).toContain(kind);
  if (expected.targets) {
    const terms = goal.targets.map((t) => t.terms.join(' '));
    expect(terms.sort(), context).toEqual([...expected.targets].sort());
  }
  if (expected.intent) expect(goal.intent, context).toBe(expected.intent);
  if (expected.printAsPdf !== undefined) expect(goal.printAsPdf, context).toBe(expected.printAsPdf);
  for (const word of expected.keywords ?? []) expect(goal.keywords, context).toContain(word);
  if (expected.username) {
    expect(goal.credentials?.username, context).toBe(expected.username);
    expect(goal.credentials?.password.reveal(), context).toBe('demo-pass-123');
  }
}

const month = (year: number, m: number) => ({ year, month: m, quarter: null });
const one = { kind: 'one' } as const;

/** Each case goal of cases.md, and the portal tasks, in several wordings and languages. */
const PHRASINGS: [string, string[], Expectation][] = [
  [
    'C01 customer list',
    [
      'Download the customer list from http://app.test/exports/customers.csv',
      'get me the customer list',
      'descargar la lista de clientes',
      'télécharger la liste des clients',
      'Kundenliste herunterladen',
      'baixar a lista de clientes',
    ],
    { count: one, keywords: ['customer', 'list'] },
  ],
  [
    'C02 activation code',
    [
      'Download the activation code file.',
      'grab the activation code',
      'descarga el archivo del código de activación',
      "télécharge le fichier du code d'activation",
      'Aktivierungscode herunterladen',
      'baixe o arquivo do código de ativação',
    ],
    { count: one, keywords: ['activation', 'code'] },
  ],
  [
    'C03 May 2024 statement',
    [
      'Download my May 2024 statement as a PDF.',
      'get my statement for May 2024',
      'statement 2024-05 pdf',
      'descargar mi extracto de mayo de 2024 en PDF',
      'télécharger mon relevé de mai 2024 en PDF',
      'Kontoauszug Mai 2024 als PDF herunterladen',
      'baixar meu extrato de maio de 2024 em PDF',
    ],
    { count: one, period: month(2024, 5), concepts: ['statement'] },
  ],
  [
    'C04 quoted button',
    [
      "Download the PDF behind the 'View / download PDF' button.",
      'get the PDF from the "View / download PDF" button',
      "descargar el PDF del botón 'View / download PDF'",
      "télécharger le PDF derrière le bouton 'View / download PDF'",
      "das PDF hinter der Schaltfläche 'View / download PDF' herunterladen",
      "baixar o PDF do botão 'View / download PDF'",
    ],
    { count: one, targets: ['view download pdf'], fileKinds: ['pdf'] },
  ],
  [
    'C05 report 7 to Excel',
    [
      'Export report 7 to Excel.',
      'export report #7 as xlsx',
      'exportar el informe 7 a Excel',
      'exporter le rapport 7 vers Excel',
      'Bericht 7 nach Excel exportieren',
      'exportar o relatório 7 para Excel',
    ],
    { count: one, targets: ['7'], fileKinds: ['xlsx'], concepts: ['report'], intent: 'export' },
  ],
  [
    'C07 latest invoice',
    [
      'Download my latest invoice.',
      'grab the most recent invoice',
      'latest invoice please',
      'descargar mi última factura',
      'télécharger ma dernière facture',
      'neueste Rechnung herunterladen',
      'baixar a fatura mais recente',
    ],
    { count: one, latest: true, concepts: ['invoice'], period: null },
  ],
  [
    'C08 analysis for app1',
    [
      'Download the analysis CSV for app1.',
      'export the app1 analysis as CSV',
      'descargar el análisis CSV de app1',
      "télécharger l'analyse CSV pour app1",
      'Analyse-CSV für app1 herunterladen',
      'baixar a análise CSV do app1',
    ],
    { count: one, targets: ['app1'], fileKinds: ['csv'], keywords: ['analysi'] },
  ],
  [
    'C11 five documents',
    [
      'Download all five documents on the library page.',
      'get every one of the 5 documents',
      'descargar los cinco documentos de la biblioteca',
      'télécharger les cinq documents de la bibliothèque',
      'alle fünf Dokumente der Bibliothek herunterladen',
      'baixar os cinco documentos da biblioteca',
    ],
    { count: { kind: 'n', n: 5 }, concepts: ['document'] },
  ],
  [
    'C13 named invoices',
    [
      "Download invoices 1001, 1002 and 1003, and the 'nice-filename' document.",
      "get invoices 1001, 1002, 1003 plus the 'nice-filename' doc",
      "descargar las facturas 1001, 1002 y 1003 y el documento 'nice-filename'",
      "télécharger les factures 1001, 1002 et 1003 et le document 'nice-filename'",
      "Rechnungen 1001, 1002 und 1003 und das Dokument 'nice-filename' herunterladen",
      "baixar as faturas 1001, 1002 e 1003 e o documento 'nice-filename'",
    ],
    { count: { kind: 'n', n: 4 }, targets: ['1001', '1002', '1003', 'nice filename'] },
  ],
  [
    'C15 three selected files',
    [
      'Download all three selected files.',
      'grab the 3 selected files',
      'descargar los tres archivos seleccionados',
      'télécharger les trois fichiers sélectionnés',
      'die drei ausgewählten Dateien herunterladen',
      'baixar os três arquivos selecionados',
    ],
    { count: { kind: 'n', n: 3 } },
  ],
  [
    'C16 complete bundle',
    [
      'Download the complete bundle.',
      'grab the full bundle',
      'descargar el paquete completo',
      'télécharger le pack complet',
      'das komplette Paket herunterladen',
      'baixar o pacote completo',
    ],
    { count: one, keywords: ['bundle'] },
  ],
  [
    'C19 latest episode',
    [
      'Download the latest episode.',
      'get the newest episode',
      'descargar el último episodio',
      'télécharger le dernier épisode',
      'die neueste Folge herunterladen',
      'baixar o episódio mais recente',
    ],
    { count: one, latest: true, keywords: ['episode'] },
  ],
  [
    'C20 tool 3.14',
    [
      'Download tool 3.14.',
      'get tool v3.14',
      'tool 3.14 please',
      'descargar la herramienta tool 3.14',
      'télécharger tool 3.14',
      'tool 3.14 herunterladen',
      'baixar o tool 3.14',
    ],
    { count: one, targets: ['3 14'], period: null },
  ],
  [
    'C23 Q2 report',
    [
      'Download the Q2 report from the reports widget.',
      'get the Q2 report',
      'descargar el informe del segundo trimestre',
      'télécharger le rapport du T2',
      'den Q2-Bericht herunterladen',
      'baixar o relatório do 2º trimestre',
    ],
    { count: one, period: { year: null, month: null, quarter: 2 }, concepts: ['report'] },
  ],
  [
    'C25 user list to Excel',
    [
      'Export the user list to Excel.',
      'export users as xlsx',
      'exportar la lista de usuarios a Excel',
      'exporter la liste des utilisateurs vers Excel',
      'Benutzerliste nach Excel exportieren',
      'exportar a lista de usuários para Excel',
    ],
    { count: one, fileKinds: ['xlsx'], intent: 'export', keywords: ['user'] },
  ],
  [
    'C29 receipt as PDF',
    [
      'Save the receipt for order ORD-48213 as a PDF.',
      'print the ORD-48213 receipt to PDF',
      'guardar el recibo del pedido ORD-48213 como PDF',
      'enregistrer le reçu de la commande ORD-48213 en PDF',
      'Quittung für Bestellung ORD-48213 als PDF speichern',
      'salvar o recibo do pedido ORD-48213 como PDF',
    ],
    { count: one, targets: ['ord 48213'], printAsPdf: true, concepts: ['receipt'] },
  ],
  [
    'C30 report, annex and summary',
    [
      'Download the report PDF, the annex and the summary.',
      'get the report PDF, annex and summary',
      'descargar el informe PDF, el anexo y el resumen',
      "télécharger le rapport PDF, l'annexe et le résumé",
      'den Bericht als PDF, den Anhang und die Zusammenfassung herunterladen',
      'baixar o relatório PDF, o anexo e o resumo',
    ],
    { count: { kind: 'n', n: 3 } },
  ],
  [
    'C31 data extract',
    [
      'Download the data extract.',
      'grab the data extract',
      'descargar el extracto de datos',
      "télécharger l'extrait de données",
      'den Datenauszug herunterladen',
      'baixar o extrato de dados',
      'den Datenextrakt herunterladen',
    ],
    { count: one, keywords: ['extract'] },
  ],
  [
    'C32 contract 77 with a login',
    [
      'Log in as demo / demo-pass-123 and download contract 77.',
      'sign in with username demo and password demo-pass-123, then get contract 77',
      'inicia sesión como demo con la contraseña demo-pass-123 y descarga el contrato 77',
      'connecte-toi en tant que demo avec le mot de passe demo-pass-123 et télécharge le contrat 77',
      'melde dich als demo mit dem Passwort demo-pass-123 an und lade Vertrag 77 herunter',
      'entre como demo com a senha demo-pass-123 e baixe o contrato 77',
      'connecte-toi avec demo / demo-pass-123 et télécharge le contrat 77',
      'contract 77, user demo, password demo-pass-123',
    ],
    { count: one, targets: ['77'], concepts: ['contract'], username: 'demo' },
  ],
  [
    'C35 archive.7z',
    [
      'Download archive.7z.',
      'get archive.7z',
      'descargar archive.7z',
      'télécharger le fichier archive.7z',
      'archive.7z herunterladen',
      'baixar archive.7z',
    ],
    { count: one, targets: ['archive 7z'] },
  ],
  [
    'portal: March 2025 invoice',
    [
      'download the March 2025 invoice',
      'get me the invoice for March 2025',
      'invoice 2025-03',
      'descargar la factura de marzo de 2025',
      'télécharger la facture de mars 2025',
      'Rechnung März 2025 herunterladen',
      'baixar a fatura de março de 2025',
    ],
    { count: one, period: month(2025, 3), concepts: ['invoice'], targets: [] },
  ],
  [
    'portal: every 2024 invoice',
    [
      'download all invoices from 2024',
      'grab every invoice of 2024',
      'invoices 2024',
      'descargar todas las facturas de 2024',
      'télécharger toutes les factures de 2024',
      'alle Rechnungen aus 2024 herunterladen',
      'baixar todas as faturas de 2024',
    ],
    { count: { kind: 'all' }, period: { year: 2024, month: null, quarter: null }, targets: [] },
  ],
];

describe('parseGoal', () => {
  for (const [name, goals, expected] of PHRASINGS) {
    it(`reads ${name} in every wording`, () => {
      for (const goal of goals) check(goal, expected);
    });
  }

  it('resolves relative periods against the clock', () => {
    check("get me last month's invoice", { period: month(2026, 11), latest: false });
    check('la factura del mes pasado', { period: month(2026, 11) });
    check('la facture du mois dernier', { period: month(2026, 11) });
    check('die Rechnung vom letzten Monat', { period: month(2026, 11) });
    check('invoices from last year', { period: { year: 2025, month: null, quarter: null } });
    expect(parseGoal('last month invoice', new Date('2026-01-15T00:00:00Z')).period).toEqual(
      month(2025, 12),
    );
  });

  it('reads counts written as words or numbers', () => {
    check('the last 3 invoices', { count: { kind: 'n', n: 3 }, latest: true });
    check('download two statements', { count: { kind: 'n', n: 2 } });
    check('download the invoice', { count: one });
    check('télécharger toutes les factures', { count: { kind: 'all' } });
  });

  it('reads quarters in several forms', () => {
    const q3 = { year: 2024, month: null, quarter: 3 };
    for (const text of ['Q3 2024 report', 'third quarter 2024 report', '3rd quarter of 2024']) {
      check(text, { period: q3 });
    }
  });

  it('keeps the password of a login out of logs, JSON and keywords', () => {
    const goal = parseGoal(
      'log in as alice with password Tr0ub4dor&3 and get the latest bill',
      NOW,
    );

    expect(goal.credentials?.username).toBe('alice');
    expect(goal.credentials?.password.reveal()).toBe('Tr0ub4dor&3');
    expect(JSON.stringify(goal)).not.toContain('Tr0ub4dor');
    expect(inspect(goal, { depth: 5 })).not.toContain('Tr0ub4dor');
    expect(`${goal.credentials?.password}`).toBe('***');
    expect(goal.targets).toEqual([]);
    expect(goal.latest).toBe(true);
  });

  it('reads logins written as "user: x, password: y" and with an e-mail address', () => {
    const goal = parseGoal(
      'username: bob@example.com, password: "s p a c e s" then export CSV',
      NOW,
    );

    expect(goal.credentials?.username).toBe('bob@example.com');
    expect(goal.credentials?.password.reveal()).toBe('s p a c e s');
    expect(goal.fileKinds).toEqual(['csv']);
  });

  it('does not read "save as PDF" as a login', () => {
    expect(parseGoal('guardar la página como PDF', NOW).credentials).toBeNull();
  });

  it('does not take version numbers or ids for dates', () => {
    check('download release 2.12', { period: null, targets: ['2 12'] });
    check('download invoice 1001', { period: null, targets: ['1001'] });
  });
});
